"""The synthesizer of the sequence-to-sequence family: token tables of whole sentences, read by the hidden grammar.

`train.csv` holds `id, sentence_id, token_id, before, after, class` — one row per token, `id` =
`<sentence_id>_<token_id>` as mle-bench's text-normalization submission names a token; `class` (the semiotic class)
is train-only, as in the seed, and never written to `test.csv` (`id, sentence_id, token_id, before`). Sentences are
drawn whole from the slot's streams until the asked-for number of tokens is reached (the last sentence is cut
there, so the row counts are exact); test sentences continue the numbering so ids never collide. The answers hold
the recorded `after` (label noise included); the oracle submission holds the noise-free reading.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SpecError
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.base import SynthesisResult
from sandmle_core.modalities.seq2seq.grammar import sentence
from sandmle_core.modalities.seq2seq.rule import Seq2SeqRule
from sandmle_core.slots import SlotStreams
from sandmle_core.spec import Modality

__all__ = ["COLUMNS", "synthesize"]

COLUMNS = ("sentence_id", "token_id", "before")
"""The public feature columns, in file order (after the id)."""


def _tokens(rule: Seq2SeqRule, n: int, first_sentence: int, rng) -> pd.DataFrame:
    rows: list[tuple] = []
    sid = first_sentence
    while len(rows) < n:
        for tid, (cls, before, after, oracle) in enumerate(sentence(rule, rng)):
            rows.append((f"{sid}_{tid}", sid, tid, before, after, cls, oracle))
        sid += 1
    return pd.DataFrame(rows[:n], columns=["id", *COLUMNS, "after", "class", "oracle"])


def synthesize(spec, folder: EnvFolder | Path, *, n_train: int | None = None,
               n_test: int | None = None) -> SynthesisResult:
    """Write train/test token tables, the answers and the oracle submission of a text-normalization environment.

    Args:
        spec: a sequence-to-sequence TaskSpec (its rule a `Seq2SeqRule`, its metric accuracy over tokens).
        folder: the environment folder to write into.
        n_train, n_test: token rows, instead of the spec's micro sizes (any scale).

    Returns:
        The folder and sizes, with class counts and the oracle's test accuracy in `stats`.

    Raises:
        SpecError: when the spec is not a sequence-to-sequence spec, is not graded on labels, or a size is below 1.
    """
    rule = spec.rule
    if spec.modality != Modality.SEQ2SEQ or not isinstance(rule, Seq2SeqRule):
        raise SpecError(f"the seq2seq synthesizer needs a sequence-to-sequence spec, got {spec.modality}/{rule.kind}")
    if get_metric(spec.grading.metric).kind != "label":
        raise SpecError(f"metric {spec.grading.metric!r} does not grade a spoken form per token")
    n_train = spec.n_train if n_train is None else int(n_train)
    n_test = spec.n_test if n_test is None else int(n_test)
    if n_train < 1 or n_test < 1:
        raise SpecError(f"sizes must be at least 1, got n_train={n_train}, n_test={n_test}")
    id_col, target = spec.grading.id_column, spec.target.columns[0]
    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    streams = SlotStreams.of(spec)
    train = _tokens(rule, n_train, 0, streams("synth", "seq2seq", "train"))
    test = _tokens(rule, n_test, int(train["sentence_id"].max()) + 1, streams("synth", "seq2seq", "test"))
    csv = {"index": False, "lineterminator": "\n"}
    train.rename(columns={"id": id_col, "after": target})[
        [id_col, *COLUMNS, target, *rule.train_only_columns]].to_csv(folder.train, **csv)
    test.rename(columns={"id": id_col})[[id_col, *COLUMNS]].to_csv(folder.test, **csv)
    pd.DataFrame({id_col: test["id"], target: test["after"]}).to_csv(folder.answers, **csv)
    pd.DataFrame({id_col: test["id"], target: test["oracle"]}).to_csv(folder.oracle_submission, **csv)
    stats = {
        "language": rule.language,
        "train_sentences": int(train["sentence_id"].nunique()),
        "test_sentences": int(test["sentence_id"].nunique()),
        "train_class_counts": dict(sorted(Counter(train["class"]).items())),
        "test_class_counts": dict(sorted(Counter(test["class"]).items())),
        "copy_accuracy_test": round(float((test["before"] == test["after"]).mean()), 4),
        "oracle_accuracy_test": round(float((test["oracle"] == test["after"]).mean()), 4),
    }
    return SynthesisResult(folder=folder, n_train=n_train, n_test=n_test, stats=stats)
