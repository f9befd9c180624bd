"""Synthesizing a text + metadata environment (random-acts-of-pizza's shape): requests, records, labels, the oracle.

Every row draws its register `z` (the text channel's class), its title and body from the token model given `z`
(`synthesizer`'s sampler and exact posterior), and its record: account age, posts, comments, communities, channel
and posting time. The label is drawn from the request rule's log-odds; the oracle is the rule's exact probability
given what a model can read — the register's posterior from both texts, mixed over the two registers — so no model
can beat it in expectation. Train rows come first; the fields known only after the outcome are drawn last and written
to the training files only. The same spec gives the same bytes: every draw comes from the slot's named streams, the
wording from its own stream, vectorised over all rows in a fixed order.

Imports: numpy, pandas, the text synthesizer's sampler and the shared modality contract.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SpecError
from sandmle_core.modalities.base import SynthesisResult
from sandmle_core.modalities.text.records import (
    AGE,
    BODY,
    CHANNEL,
    COMMENTS,
    COMMUNITIES,
    COUNT,
    ID_COLUMN,
    KARMA,
    POSTS,
    TIMESTAMP,
    TITLE,
)
from sandmle_core.modalities.text.records_rule import MAX_AGE_DAYS, TRAIN_ONLY, RequestRule
from sandmle_core.modalities.text.render import render_documents
from sandmle_core.modalities.text.rule import TextRule
from sandmle_core.modalities.text.synthesizer import _draw_units, _log_posterior, _Model
from sandmle_core.modalities.text.voices import REQUEST
from sandmle_core.slots import SlotStreams

if TYPE_CHECKING:
    from sandmle_core.taskspec import TaskSpec

__all__ = ["JSON_FILES", "synthesize"]

JSON_FILES = ("train.json", "test.json")
_DAY, _YEAR = 86_400, 365.25 * 86_400


def _texts(rule: TextRule, z: np.ndarray, words: tuple[int, int], rng: np.random.Generator,
           render_rng: np.random.Generator, voice: object, sentences: tuple[int, int]) -> tuple[list[str], np.ndarray]:
    """Documents of the given registers, and the log posterior odds of register 1 given each document."""
    model = _Model(rule)
    low, high = words
    lengths = low + rng.binomial(high - low, model.bias[z])
    vague = (rng.random(len(z)) < rule.vague_share).astype(np.int64)
    units, doc, pos = _draw_units(model, rule, z, vague, lengths, rng)
    post = np.clip(_log_posterior(model, rule, units, doc, pos, lengths, low, high), 1e-12, 1.0)
    documents = render_documents(model.texts, len(rule.common), units, lengths, sentences, render_rng, voice)
    return documents, np.log(post[:, 1]) - np.log(post[:, 0])


def _record(req: RequestRule, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """The metadata of n requests, and their metadata log-odds (`_meta`) and new-account flag (`_new`)."""
    age = np.where(rng.random(n) < 0.12, 0.0, np.exp(rng.normal(5.0, 1.4, n)))
    age = np.round(np.minimum(age, MAX_AGE_DAYS), 4)
    posts = rng.poisson(np.exp(rng.normal(1.5, 1.3, n)))
    comments = rng.poisson(np.exp(rng.normal(2.5, 1.4, n)))
    k = len(req.communities)
    count = np.minimum(rng.poisson(1.2 + 0.4 * np.log1p(posts)), k)
    member = np.argsort(rng.random((n, k)), axis=1) < count[:, None]  # `count` communities per requester
    channel = rng.choice(len(req.channels), size=n, p=np.full(len(req.channels), 1.0 / len(req.channels)))
    ts = req.start + np.floor(rng.random(n) * req.span_days * _DAY).astype(np.int64)
    hour = (ts // 3600) % 24
    log_age, log_posts = np.log1p(age), np.log1p(posts)
    meta = (req.w_age * (log_age - 4.3) / 1.9 + req.w_activity * (log_posts - 1.6) / 1.1
            + req.w_communities * count + member @ np.asarray(req.community_effects)
            + np.asarray(req.channel_effects)[channel] + req.w_evening * (hour >= 17)
            + req.w_trend * (ts - req.start) / _YEAR)
    names = np.asarray(req.communities, dtype=object)
    karma = np.round(2.5 * comments + 4.0 * posts + 20.0 * rng.standard_normal(n)).astype(np.int64)  # no own say
    return pd.DataFrame({AGE: age, POSTS: posts, COMMENTS: comments, KARMA: karma, COUNT: count,
                         COMMUNITIES: [list(names[row]) for row in member],
                         CHANNEL: np.asarray(req.channels, dtype=object)[channel], TIMESTAMP: ts,
                         "_meta": meta, "_new": age < req.new_account_days})


def _labels(req: RequestRule, frame: pd.DataFrame, z: np.ndarray, odds: np.ndarray, n_train: int,
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The drawn labels and the oracle probability (the register's posterior mixed over both registers)."""
    text = (req.w_text + req.w_text_new * frame["_new"].to_numpy()) / 2

    def chance(sign: float | np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(req.intercept + sign * text + frame["_meta"].to_numpy()) / req.temperature))

    y = (rng.random(len(z)) < chance(2.0 * z - 1.0)).astype(int)
    p1 = 1.0 / (1.0 + np.exp(-odds))
    oracle = p1 * chance(1.0) + (1.0 - p1) * chance(-1.0)
    for part in (slice(0, n_train), slice(n_train, len(y))):  # both classes on both sides: AUC needs them
        for value, need in ((1, 2 if part.start == 0 else 1), (0, 1)):
            short = need - int((y[part] == value).sum())
            if short > 0:
                others = np.flatnonzero(y[part] != value) + part.start
                key = -oracle[others] if value == 1 else oracle[others]
                y[others[np.argsort(key, kind="stable")[:short]]] = value
    return y, oracle


def _write(frame: pd.DataFrame, columns: list[str], csv_path: Path, json_path: Path, target: str | None) -> None:
    """One table as CSV (the list field as JSON text) and as JSON records (the label a boolean, as the seed's)."""
    table = frame[columns]
    flat = table.assign(**{COMMUNITIES: [json.dumps(v) for v in table[COMMUNITIES]]})
    flat.to_csv(csv_path, index=False, lineterminator="\n")
    records = table.assign(**{target: table[target].astype(bool)}) if target else table
    rows = [{k: _native(v) for k, v in row.items()} for row in records.to_dict(orient="records")]
    json_path.write_text(json.dumps(rows, indent=4, ensure_ascii=False) + "\n")


def _native(value: object) -> object:
    """A JSON value: numpy scalars as Python's, a missing value as null (lists pass through)."""
    if isinstance(value, list) or value is None:
        return value
    if isinstance(value, np.generic):
        value = value.item()
    return None if isinstance(value, float) and value != value else value


def synthesize(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
               n_test: int | None = None) -> SynthesisResult:
    """Write the request tables and records, the answers and the oracle of a text + metadata spec under `folder`.

    Raises:
        SpecError: when the spec's rule has no request rule, or a size is below 1.
    """
    rule = spec.rule
    req = getattr(rule, "records", None)
    if not isinstance(rule, TextRule) or not isinstance(req, RequestRule):
        raise SpecError("the text + metadata synthesizer needs a text rule with a request rule")
    n_train = spec.n_train if n_train is None else int(n_train)
    n_test = spec.n_test if n_test is None else int(n_test)
    if n_train < 1 or n_test < 1:
        raise SpecError(f"sizes must be at least 1, got n_train={n_train}, n_test={n_test}")
    n, target = n_train + n_test, spec.target.columns[0]
    streams = SlotStreams.of(spec)
    rng = streams("synth", "records")
    z = (rng.random(n) < rule.priors["1"]).astype(np.int64)
    frame = _record(req, n, rng)
    voice = REQUEST  # every document here asks for something: a pitch and a letter too, not a note
    body, body_odds = _texts(rule, z, req.body_words, streams("synth", "text", "body"),
                             streams("text-render", "body"), voice, rule.sentence_range)
    title, title_odds = _texts(rule, z, req.title_words, streams("synth", "text", "title"),
                               streams("text-render", "title"), voice, req.title_words)
    prior = np.log(rule.priors["1"]) - np.log(rule.priors["0"])
    y, oracle = _labels(req, frame, z, body_odds + title_odds - prior, n_train, streams("synth", "labels"))
    width = max(6, len(f"{4 * n:x}"))
    ids = [f"req_{v:0{width}x}" for v in streams("synth", "ids").choice(16 ** width, size=n, replace=False)]
    late = streams("synth", "retrieval")  # drawn after the outcome: known only once it was
    frame = frame.assign(**{ID_COLUMN: ids, BODY: body, TITLE: [t.rstrip(".") for t in title], target: y,
                            TRAIN_ONLY[0]: late.poisson(np.exp(0.7 + 0.9 * y + 0.4 * late.standard_normal(n))),
                            TRAIN_ONLY[1]: late.random(n) < 0.05 + 0.12 * y,
                            TRAIN_ONLY[2]: np.where(y == 1, req.flair, None)})
    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    public = [ID_COLUMN, *[c.name for c in spec.columns]]
    train, test = frame.iloc[:n_train], frame.iloc[n_train:]
    _write(train, [*public, target, *TRAIN_ONLY], folder.train, folder.public / JSON_FILES[0], target)
    _write(test, public, folder.test, folder.public / JSON_FILES[1], None)
    test[[ID_COLUMN, target]].to_csv(folder.answers, index=False, lineterminator="\n")
    pd.DataFrame({ID_COLUMN: test[ID_COLUMN], target: np.round(oracle[n_train:], 6)}).to_csv(
        folder.oracle_submission, index=False, lineterminator="\n")
    stats = {"n_classes": 2, "train_class_counts": {str(k): int((train[target] == k).sum()) for k in (0, 1)},
             "test_class_counts": {str(k): int((test[target] == k).sum()) for k in (0, 1)},
             "register_share": round(float(z.mean()), 4), "train_only_columns": list(TRAIN_ONLY),
             "json_files": list(JSON_FILES)}
    return SynthesisResult(folder=folder, n_train=n_train, n_test=n_test, stats=stats)
