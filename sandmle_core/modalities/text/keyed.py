"""Comment-keyed binary text tasks (detecting-insults-in-social-commentary's shape): the comment is the key.

The seed's files have no id column: `train.csv` is `Insult,Date,Comment`, `test.csv` is `Date,Comment`, the sample
submission `sample_submission_null.csv` and the answers are `Insult,Date,Comment`, and rows are matched on the
comment text; `Date` (`20120618192155Z`, often blank) is carried by submissions unscored. An environment keeps all
of that: the spec's id column is its one text column (`TextRule.text_is_id`), the seed's names are kept, the Date
is a passthrough column of the grading, and no two comments of an environment are equal — a comment written twice
(after its first occurrence) is replaced by a fresh draw of the model, a new row with its own label and oracle (the
rows are independent draws, so this is rejection sampling of repeats), and synthesis stops with an error rather
than publish a duplicate key.

The hidden rule is the binary token model of the text family drawn from a domain's community vocabulary
(`CommentVocab`: news readers' threads, a fan forum, a course forum, a series' discussion board, a running club's
forum): comments that insult a participant use insult phrases ("you absolute clown"), the others heated phrases
aimed at nobody ("load of crap"), a few heated phrases serve both; the comments are written as remarks, longer words
of phrases misspelled or masked as commenters dodge filters, and laid out as the seed's are: quoted, with a literal
`\\n` between some sentences. The oracle is the rule's exact posterior.

Imports: numpy, pandas, the text kit's rule, synthesizer, renderer and multi-label speller, the shared vocabulary.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sandmle_core.envfolder import SAMPLE_SUBMISSION_NAMES, EnvFolder
from sandmle_core.errors import GenerationError, SpecError
from sandmle_core.modalities.base import Draft, SynthesisResult, framing_variant, lower_first
from sandmle_core.modalities.text.multilabel import misspell
from sandmle_core.modalities.text.render import render_documents
from sandmle_core.modalities.text.rule import TextRule
from sandmle_core.modalities.text.voices import SAID_REMARK
from sandmle_core.slots import SlotStreams
from sandmle_core.spec import Challenge, ColumnKind, ColumnSpec, TargetSpec

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import CommentVocab, Domain
    from sandmle_core.modalities.base import DraftContext
    from sandmle_core.profile import TaskProfile
    from sandmle_core.taskspec import TaskSpec

__all__ = ["DATE_FORMAT", "draft", "hosts", "is_keyed_seed", "synthesize_keyed", "unique_texts"]

DATE_FORMAT = "%Y%m%d%H%M%SZ"
"""mle-bench's insults timestamps: `20120618192155Z` (UTC)."""

_PROB_DECIMALS = 6
_REWRITES = 40  # rounds of redrawing repeated comments before synthesis gives up


def is_keyed_seed(profile: TaskProfile | None) -> bool:
    """Whether a profiled seed's text is its id column (the profile counted the id as the text column)."""
    details = getattr(profile, "details", None) or {}
    return profile is not None and details.get("text_column") == profile.grading.id_column


def hosts(domain: Domain) -> bool:
    """A comment-keyed seed needs an online community's moderation vocabulary."""
    return domain.comments is not None


def _weighted(phrases: list[str], rng: np.random.Generator, low: int, high: int) -> dict[str, float]:
    m = int(rng.integers(min(low, len(phrases)), min(high, len(phrases)) + 1))
    chosen = [phrases[i] for i in sorted(int(i) for i in rng.choice(len(phrases), size=m, replace=False))]
    weights = np.round(np.maximum(rng.lognormal(0.0, 0.5, size=m), 0.05), 3)
    return {w: float(x) for w, x in zip(chosen, weights, strict=True)}


def _rule(ctx: DraftContext, vocab: CommentVocab, sample_file: str | None) -> TextRule:
    """The binary token model: insult phrases for 1, heated phrases for 0, a few heated confusers for both."""
    rng, difficulty, challenges = ctx.rng, float(ctx.difficulty), ctx.challenges
    insult, heated = _weighted(list(vocab.insults), rng, 7, 10), _weighted(list(vocab.heated), rng, 5, 7)
    pool = [w for w in vocab.heated if w not in heated]
    n_conf = min(len(pool), round(1 + 2 * difficulty))
    confusers: dict[str, tuple[str, str]] = {}
    for i in sorted(int(i) for i in rng.choice(len(pool), size=n_conf, replace=False)) if n_conf else []:
        weight = round(float(rng.uniform(0.6, 1.3)), 3)
        confusers[pool[i]] = ("0", "1")
        heated[pool[i]] = insult[pool[i]] = weight
    seed_share = float((ctx.profile.class_balance or {}).get("1", 0.3)) if ctx.profile is not None else 0.3
    share = round(float(np.clip(seed_share + rng.uniform(-0.05, 0.05), 0.18, 0.45)), 4)
    length_low = int(rng.integers(6, 10))
    return TextRule(
        classes=("0", "1"), priors={"0": round(1.0 - share, 4), "1": share}, signal={"0": heated, "1": insult},
        confusers=confusers, common=tuple(vocab.common), common_zipf=round(float(rng.uniform(0.4, 0.9)), 3),
        length_range=(length_low, length_low + round(18 - 6 * difficulty) + int(rng.integers(-2, 3))),
        length_bias={"0": round(float(rng.uniform(0.42, 0.62)), 3), "1": round(float(rng.uniform(0.42, 0.62)), 3)},
        signal_rate=round(0.2 - 0.06 * difficulty + float(rng.uniform(-0.01, 0.01)), 3),
        distractor_rate=round(0.015 + 0.025 * difficulty, 3) if Challenge.DISTRACTOR_TOKENS in challenges else 0.0,
        negation_rate=0.0,  # "no you absolute clown" is no comment anyone writes
        repeat_rate=round(0.2 + 0.1 * difficulty + float(rng.uniform(-0.03, 0.03)), 3),
        vague_share=round(0.08 + 0.15 * difficulty + float(rng.uniform(0.0, 0.03)), 3), vague_scale=0.25,
        label_noise=round(0.02 + 0.05 * difficulty, 3) if Challenge.LABEL_NOISE in challenges else 0.0,
        test_length_scale=round(float(rng.uniform(0.75, 0.9)), 3) if Challenge.TRAIN_TEST_SHIFT in challenges
        else 1.0,
        sentence_range=(int(rng.integers(2, 4)), int(rng.integers(4, 7))),
        misspell_rate=round(0.3 + 0.3 * difficulty + float(rng.uniform(-0.03, 0.03)), 3),
        text_is_id=True, sample_file=sample_file, always_said=("1",))  # an insult always insults


def draft(ctx: DraftContext) -> Draft:
    """Draft a comment-keyed binary environment with the seed's column names, Date column and sample file name.

    Raises:
        SpecError: when the domain has no community vocabulary or the seed is not binary with one target.
    """
    vocab = ctx.domain.comments
    if vocab is None:
        raise SpecError(f"domain {ctx.domain.key!r} has no online-community vocabulary")
    grading = ctx.profile.grading
    if len(grading.target_columns) != 1:
        raise SpecError(f"a comment-keyed seed has one target column, this one {list(grading.target_columns)}")
    files = (ctx.profile.details or {}).get("files") or {}
    sample = files.get("sample_submission")
    own = sample in SAMPLE_SUBMISSION_NAMES[1:]  # a name the environment folder knows to look for
    rule = _rule(ctx, vocab, sample if own else None)
    id_col, label = grading.id_column, grading.target_columns[0]
    dates = tuple(ColumnSpec(name=c, kind=ColumnKind.DATETIME, nullable=True,
                             description="the time the comment was posted, YYYYMMDDhhmmssZ (UTC).")
                  for c in grading.passthrough_columns)
    text = ColumnSpec(name=id_col, kind=ColumnKind.TEXT,
                      description=f"{vocab.document}: the comment's text, which is also the key of every row")
    target = TargetSpec(columns=(label,), classes=("0", "1"), positive_class="1",
                        description="1 when the comment insults another participant of the thread, 0 when it does "
                                    "not")
    org = ctx.domain.organisation
    story = (f"{org} wants to tell {{target}} from {vocab.document}, so that {vocab.purpose}."
             if framing_variant(ctx.domain, 2) == 0 else
             f"The only input is {vocab.document}. From its words alone, {lower_first(org)} wants to tell "
             f"{{target}}, so that {vocab.purpose}.")
    return Draft(id_column=id_col, columns=(*dates, text), target=target, rule=rule, story_template=story,
                 title=f"{ctx.domain.title}: Insults in the Community's Comments",
                 passthrough=tuple(c.name for c in dates))


def _layout(texts: list[str], rng: np.random.Generator) -> list[str]:
    """Comments as the seed writes them: in double quotes, some sentence breaks (after a full stop or a question
    mark) a literal backslash-n."""
    out = []
    for text in texts:
        parts = re.split(r"(?<=[.?]) ", text)
        breaks = rng.random(max(0, len(parts) - 1)) < 0.3
        joined = parts[0] + "".join(("\\n" if b else " ") + p for b, p in zip(breaks, parts[1:], strict=True))
        out.append(f'"{joined}"')
    return out


def _write(model: Any, rule: TextRule, units: np.ndarray, doc: np.ndarray, lengths: np.ndarray, which: np.ndarray,
           rng: np.random.Generator) -> list[str]:
    """The comments `which` written from their units: rendered as remarks, misspelled, laid out."""
    keep = np.isin(doc, which)
    texts = render_documents(model.texts, len(rule.common), units[keep], lengths[which], rule.sentence_range, rng,
                             SAID_REMARK)
    phrases = [t for t in model.texts[len(rule.common):] if " " not in t]
    return _layout(misspell(texts, phrases, rule.misspell_rate, rng), rng)


def unique_texts(texts: list[str], rewrite: Any) -> list[str]:
    """`texts` with every repeat (after its first occurrence) replaced by `rewrite(indices)` until all are unique
    (the synthesizer's `rewrite` redraws those rows).

    Raises:
        GenerationError: when repeats remain after the allowed rounds (a key must never be published twice).
    """
    texts = list(texts)
    for _ in range(_REWRITES):
        seen: set[str] = set()
        repeats = []
        for i, text in enumerate(texts):
            (repeats.append(i) if text in seen else seen.add(text))
        if not repeats:
            return texts
        for i, text in zip(repeats, rewrite(np.array(repeats)), strict=True):
            texts[i] = text
    raise GenerationError("synthesize", f"{len(repeats)} comments are still written twice after {_REWRITES} "
                                        "redraws: the comment is the key and must be unique")


def _dates(n_train: int, n_test: int, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """Posting times, test after train as in the seed's time split, with 12–25% left blank."""
    start = datetime(2012, 1, 1) + timedelta(days=int(rng.integers(0, 120)))
    blank = float(rng.uniform(0.12, 0.25))

    def draw(n: int, low: float, high: float) -> list[str]:
        seconds = rng.uniform(low, high, size=n) * 86400
        empty = rng.random(n) < blank
        return ["" if e else (start + timedelta(seconds=int(s))).strftime(DATE_FORMAT)
                for s, e in zip(seconds, empty, strict=True)]

    return draw(n_train, 0, 60), draw(n_test, 60, 90)


def synthesize_keyed(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
                     n_test: int | None = None) -> SynthesisResult:
    """Write `Insult,Date,Comment` train rows, `Date,Comment` test rows, the answers and the oracle.

    Raises:
        SpecError: when a size is below 2. GenerationError: when comments cannot be made unique.
    """
    from sandmle_core.modalities.text.synthesizer import _Model, _sample

    rule = spec.rule
    if not isinstance(rule, TextRule) or not rule.text_is_id:
        raise SpecError("a comment-keyed spec needs a text rule whose text is the id")
    n_train = spec.n_train if n_train is None else int(n_train)
    n_test = spec.n_test if n_test is None else int(n_test)
    if min(n_train, n_test) < 2:
        raise SpecError(f"sizes must be at least 2, got n_train={n_train}, n_test={n_test}")
    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    streams = SlotStreams.of(spec)
    model = _Model(rule)
    parts = {}
    for name, n, scale in (("train", n_train, 1.0), ("test", n_test, rule.test_length_scale)):
        part = _sample(rule, model, n, streams("synth", "text", name), scale, streams("text-render", name), SAID_REMARK)
        lengths = np.bincount(part["doc"], minlength=n)
        part["texts"] = _write(model, rule, part["units"], part["doc"], lengths, np.arange(n),
                               streams("text-layout", name))
        parts[name] = part
    redraws = streams("synth", "text", "redraw")
    offset = n_train  # one key space over train and test: a test comment must not repeat a training one

    def redraw(rows: np.ndarray) -> list[str]:
        """Each repeated row replaced by a fresh draw of the model: a new comment with its own label and oracle."""
        out = []
        for row in rows.tolist():
            name, i = ("train", row) if row < offset else ("test", row - offset)
            scale = 1.0 if name == "train" else rule.test_length_scale
            fresh = _sample(rule, model, 1, redraws, scale, redraws, SAID_REMARK)
            for key in ("y", "noisy", "post", "flipped"):
                parts[name][key][i] = fresh[key][0]
            out += _write(model, rule, fresh["units"], fresh["doc"], np.array([len(fresh["units"])]),
                          np.array([0]), redraws)
        return out

    texts = unique_texts([*parts["train"]["texts"], *parts["test"]["texts"]], redraw)
    return _files(spec, folder, parts, texts, _dates(n_train, n_test, streams("synth", "dates")))


def _files(spec: TaskSpec, folder: EnvFolder, parts: dict[str, dict[str, Any]], texts: list[str],
           dates: tuple[list[str], list[str]]) -> SynthesisResult:
    """train.csv, test.csv, the answers and the oracle, in the seed's column order."""
    train, test = parts["train"], parts["test"]
    n_train, n_test = len(train["y"]), len(test["y"])
    id_col, target = spec.grading.id_column, spec.target.columns[0]
    date_cols = [c.name for c in spec.columns if c.kind == ColumnKind.DATETIME]
    csv = {"index": False, "lineterminator": "\n"}

    def table(first: dict[str, Any], when: list[str], keys: list[str]) -> pd.DataFrame:
        return pd.DataFrame({**first, **{c: when for c in date_cols}, id_col: keys})

    table({target: train["noisy"]}, dates[0], texts[:n_train]).to_csv(folder.train, **csv)
    table({}, dates[1], texts[n_train:]).to_csv(folder.test, **csv)
    table({target: test["noisy"]}, dates[1], texts[n_train:]).to_csv(folder.answers, **csv)
    table({spec.grading.submission_columns[0]: np.round(test["post"][:, 1], _PROB_DECIMALS)}, dates[1],
          texts[n_train:]).to_csv(folder.oracle_submission, **csv)
    stats = {
        "classes": ["0", "1"],
        "train_class_counts": {c: int((train["noisy"] == i).sum()) for i, c in enumerate(("0", "1"))},
        "test_class_counts": {c: int((test["noisy"] == i).sum()) for i, c in enumerate(("0", "1"))},
        "label_flips_train": int(train["flipped"].sum()), "label_flips_test": int(test["flipped"].sum()),
        "blank_dates": sum(d == "" for d in dates[0] + dates[1]),
        "mean_words_train": round(float(np.mean([len(t.split()) for t in texts[:n_train]])), 3),
    }
    return SynthesisResult(folder=folder, n_train=n_train, n_test=n_test, stats=stats)
