"""Synthesizing a text environment: documents sampled from the token model, and their exact posterior (the oracle).

Every unit's probability given the class and the earlier units is known in closed form, so the exact posterior of a
document is a sum of per-unit log-probabilities (mixed over the two document kinds): the oracle is the Bayes-optimal
prediction under the rule before label noise. Sampling and scoring are vectorised over all units of all documents
(one loop over positions for the copies), so 50,000 documents take a few seconds. A document's text is written from
its units by sentence templates (`render`). Every draw comes from the slot's streams (`SlotStreams`); the wording
has a stream of its own, so it never moves the units or the oracle.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import GenerationError, SpecError
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.base import SynthesisResult
from sandmle_core.modalities.text.drafter import SUPPORTED_KINDS
from sandmle_core.modalities.text.render import NOTE, Voice, render_documents, voice_for
from sandmle_core.modalities.text.rule import NEGATION, TextRule
from sandmle_core.slots import SlotStreams
from sandmle_core.spec import ColumnKind, Modality

if TYPE_CHECKING:
    from sandmle_core.taskspec import TaskSpec

__all__ = ["synthesize"]

_PROB_DECIMALS = 6


class _Model:
    """The rule as arrays: unit strings and, per document kind (specific, vague), the class × unit probabilities."""

    def __init__(self, rule: TextRule) -> None:
        k = len(rule.classes)
        words = sorted({w for c in rule.classes for w in rule.signal[c]})
        index = {w: i for i, w in enumerate(words)}
        pi = np.zeros((k, len(words)))
        for i, cls in enumerate(rule.classes):
            for w in sorted(rule.signal[cls]):
                pi[i, index[w]] = rule.signal[cls][w]
        pi /= pi.sum(axis=1, keepdims=True)
        others = (pi.sum(axis=0, keepdims=True) - pi) / max(1, k - 1)  # mean signal distribution of the others
        zipf = 1.0 / np.arange(1, len(rule.common) + 1) ** rule.common_zipf
        zipf /= zipf.sum()
        d, g = rule.distractor_rate, rule.negation_rate
        self.prob = []
        for s in (rule.signal_rate, rule.signal_rate * rule.vague_scale):
            self.prob.append(np.concatenate([np.tile((1.0 - s - d - g) * zipf, (k, 1)), s * pi + d * others,
                                             g * others], axis=1))
        self.texts = list(rule.common) + words + [f"{NEGATION} {w}" for w in words]
        self.cdf = [np.cumsum(p, axis=1) for p in self.prob]
        for cdf in self.cdf:
            cdf[:, -1] = 1.0
        with np.errstate(divide="ignore"):
            self.log_prob = [np.log(p) for p in self.prob]
            self.log_kind = np.log(np.array([1.0 - rule.vague_share, rule.vague_share]))
        self.log_prior = np.log(np.array([rule.priors[c] for c in rule.classes]))
        self.bias = np.array([rule.length_bias[c] for c in rule.classes])
        self.names = list(rule.classes)
        # a class that is always said → which units are its own words
        self.own = {rule.classes.index(c): own_words(rule, self.texts, [c]) for c in rule.always_said}


def own_words(rule: TextRule, texts: list[str], classes: list[str]) -> np.ndarray:
    """Which of the units `texts` are a signal word of one of `classes` (never a negated one)."""
    index = {t: i for i, t in enumerate(texts)}
    own = np.zeros(len(texts), dtype=bool)
    own[[index[w] for c in classes for w in rule.signal[c]]] = True
    return own


def log_said(model: _Model, rule: TextRule, c: int, low: int, high: int) -> float:
    """log P(a document of class `c` holds one of the units `model.own[c]` marks) under the rule without the
    condition: over the two kinds and the binomial lengths; the first unit is fresh, each later one a copy of an
    earlier unit (at the repeat rate) or fresh, so a document holds none with probability
    (1 - q) (r + (1 - r)(1 - q))^(L - 1)."""
    lengths = np.arange(low, high + 1)
    n, b, r = high - low, model.bias[c], rule.repeat_rate
    p_len = np.array([math.comb(n, k) * b ** k * (1.0 - b) ** (n - k) for k in range(n + 1)])
    said = 0.0
    for v, weight in enumerate((1.0 - rule.vague_share, rule.vague_share)):
        q = float(model.prob[v][c, model.own[c]].sum())
        said += weight * float((p_len * (1.0 - (1.0 - q) * (r + (1.0 - r) * (1.0 - q)) ** (lengths - 1))).sum())
    return math.log(said)


def _draw_units(model: _Model, rule: TextRule, y: np.ndarray, vague: np.ndarray, lengths: np.ndarray,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token units of every document, flat in document order: fresh draws, or (at rate repeat_rate) a copy of a
    uniformly chosen earlier unit of the same document. Returns the units, their document and their position."""
    n, k = len(y), len(model.bias)
    doc = np.repeat(np.arange(n), lengths)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    pos = np.arange(len(doc)) - starts[doc]
    draws = rng.random(len(doc))
    units = np.empty(len(doc), dtype=np.int64)
    group = (y * 2 + vague)[doc]
    for c in range(k):
        for v in (0, 1):
            mask = group == c * 2 + v
            units[mask] = np.searchsorted(model.cdf[v][c], draws[mask], side="right")
    units = np.minimum(units, len(model.texts) - 1)
    copy = (rng.random(len(doc)) < rule.repeat_rate) & (pos > 0)
    source = starts[doc] + np.floor(rng.random(len(doc)) * pos).astype(np.int64)
    if rule.repeat_rate > 0:  # resolve copies position by position: a source is always an earlier unit
        order = np.argsort(pos, kind="stable")
        sorted_pos = pos[order]
        bounds = np.searchsorted(sorted_pos, np.arange(int(lengths.max(initial=1)) + 1))
        for t in range(1, len(bounds) - 1):
            at = order[bounds[t]:bounds[t + 1]]
            at = at[copy[at]]
            units[at] = units[source[at]]
    return units, doc, pos


def _lacking(own: np.ndarray, units: np.ndarray, doc: np.ndarray, n: int) -> np.ndarray:
    """Which of the `n` documents hold none of the units `own` marks."""
    return np.bincount(doc, weights=own[units].astype(np.float64), minlength=n) == 0


def _said(model: _Model, rule: TextRule, always: tuple[int, np.ndarray], docs: tuple[np.ndarray, ...],
          drawn: tuple[np.ndarray, np.ndarray], span: tuple[int, int], rng: np.random.Generator,
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The units with every document of the always-said class `always` that holds none of its words drawn again
    (its kind and length in `docs` = (y, vague, lengths) updated in place) until each holds one.

    Raises:
        GenerationError: when some still hold none after `_SAID_ROUNDS` draws (the class rarely says its words).
    """
    (c, own), (y, vague, lengths), (units, doc), (low, high) = always, docs, drawn, span
    for _ in range(_SAID_ROUNDS):
        bad = np.flatnonzero((y == c) & _lacking(own, units, doc, len(y)))
        if not len(bad):
            return units, doc, np.arange(len(doc)) - np.concatenate([[0], np.cumsum(lengths)[:-1]])[doc]
        per_doc = np.split(units, np.cumsum(lengths)[:-1])
        lengths[bad] = low + rng.binomial(high - low, model.bias[c], size=len(bad))
        vague[bad] = rng.random(len(bad)) < rule.vague_share
        fresh, _, _ = _draw_units(model, rule, y[bad], vague[bad], lengths[bad], rng)
        for i, part in zip(bad.tolist(), np.split(fresh, np.cumsum(lengths[bad])[:-1]), strict=True):
            per_doc[i] = part
        units, doc = np.concatenate(per_doc), np.repeat(np.arange(len(y)), lengths)
    raise GenerationError("synthesize", f"class {model.names[c]!r} must say one of its words in every document, "
                                        f"and {len(bad)} still say none after {_SAID_ROUNDS} draws")


_SAID_ROUNDS = 200


def _earlier_counts(units: np.ndarray, doc: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """For every unit, how often the same unit occurred earlier in the same document."""
    order = np.lexsort((pos, units, doc))
    same = np.zeros(len(order), dtype=bool)
    same[1:] = (doc[order][1:] == doc[order][:-1]) & (units[order][1:] == units[order][:-1])
    first = np.where(~same, np.arange(len(order)), 0)
    np.maximum.accumulate(first, out=first)
    counts = np.empty(len(order), dtype=np.int64)
    counts[order] = np.arange(len(order)) - first
    return counts


def _log_posterior(model: _Model, rule: TextRule, units: np.ndarray, doc: np.ndarray, pos: np.ndarray,
                   lengths: np.ndarray, low: int, high: int) -> np.ndarray:
    """The exact class posterior of every document under the rule (before label noise).

    Each unit's likelihood is (1 - r) p(unit | class, kind) + r * (earlier count of the unit) / position, the
    document's is the product over its units mixed over the two document kinds (specific, vague), times the binomial
    length term and the class prior.
    """
    n, k, r = len(lengths), len(model.bias), rule.repeat_rate
    earlier = _earlier_counts(units, doc, pos) if r > 0 else np.zeros(len(units))
    copy_term = np.where(pos > 0, r * earlier / np.maximum(pos, 1), 0.0)
    fresh_share = np.where(pos > 0, 1.0 - r, 1.0)
    log_post = np.full((n, k), -np.inf)
    with np.errstate(divide="ignore"):
        for v in (0, 1):
            if np.isinf(model.log_kind[v]):
                continue
            part = np.empty((n, k))
            for c in range(k):
                like = np.log(fresh_share * model.prob[v][c, units] + copy_term)
                part[:, c] = np.bincount(doc, weights=like, minlength=n)
            log_post = np.logaddexp(log_post, part + model.log_kind[v])
    log_post += (lengths - low)[:, None] * np.log(model.bias)[None, :]
    log_post += (high - lengths)[:, None] * np.log(1.0 - model.bias)[None, :]
    log_post += model.log_prior[None, :]
    for c, own in model.own.items():  # a class always said: never without its word, else weighed by 1 / P(said)
        log_post[_lacking(own, units, doc, n), c] = -np.inf
        log_post[:, c] -= log_said(model, rule, c, low, high)
    log_post -= log_post.max(axis=1, keepdims=True)
    post = np.exp(log_post)
    return post / post.sum(axis=1, keepdims=True)


def _sample(rule: TextRule, model: _Model, n: int, rng: np.random.Generator, scale: float,
            render_rng: np.random.Generator, voice: Voice = NOTE) -> dict[str, np.ndarray]:
    """Sample `n` documents: true labels, the rule's posterior, noisy labels, the units, texts and word counts.

    The units come from `rng`, their rendering as text (in `voice`) from `render_rng` alone: how a document reads
    never changes which units it holds or what the oracle says about it.
    """
    k = len(rule.classes)
    low = max(1, round(rule.length_range[0] * scale))
    high = max(low + 1, round(rule.length_range[1] * scale))
    priors = np.array([rule.priors[c] for c in rule.classes])
    y = rng.choice(k, size=n, p=priors / priors.sum())
    lengths = low + rng.binomial(high - low, model.bias[y])
    vague = (rng.random(n) < rule.vague_share).astype(np.int64)
    units, doc, pos = _draw_units(model, rule, y, vague, lengths, rng)
    for c, own in model.own.items():
        units, doc, pos = _said(model, rule, (c, own), (y, vague, lengths), (units, doc), (low, high), rng)
    post = _log_posterior(model, rule, units, doc, pos, lengths, low, high)
    flip = rng.random(n) < rule.label_noise
    noisy = np.where(flip, (y + rng.integers(1, k, size=n)) % k, y)
    documents = render_documents(model.texts, len(rule.common), units, lengths, rule.sentence_range, render_rng,
                                 voice)
    words = np.array([len(text.split()) for text in documents], dtype=np.int64)
    return {"y": y, "noisy": noisy, "post": post, "documents": np.array(documents, dtype=object), "words": words,
            "flipped": flip, "units": units, "doc": doc}


def _oracle(spec: TaskSpec, ids: np.ndarray, post: np.ndarray, kind: str) -> pd.DataFrame:
    """The rule's noise-free best prediction in submission format."""
    classes = list(spec.rule.classes)
    out = pd.DataFrame({spec.grading.id_column: ids})
    if kind == "label":
        out[spec.grading.submission_columns[0]] = np.array(classes, dtype=object)[post.argmax(axis=1)]
        return out
    if kind == "probability":  # binary: the posterior of the positive class "1"
        out[spec.grading.submission_columns[0]] = np.round(post[:, classes.index("1")], _PROB_DECIMALS)
        return out
    p = np.maximum(post, 1e-6)
    p = np.round(p / p.sum(axis=1, keepdims=True), _PROB_DECIMALS)
    top = p.argmax(axis=1)
    rows = np.arange(len(p))
    p[rows, top] = 0.0
    p[rows, top] = np.round(1.0 - p.sum(axis=1), _PROB_DECIMALS)
    for col in spec.grading.submission_columns:
        if col not in classes:
            raise SpecError(f"submission column {col!r} is not a class of the rule {classes}")
        out[col] = p[:, classes.index(col)]
    return out


def synthesize(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
               n_test: int | None = None) -> SynthesisResult:
    """Write train/test documents, the answers and the oracle submission of a text environment.

    Raises:
        SpecError: when the spec is not a text spec, its grading does not match the rule, or a size is below 1.
    """
    rule = spec.rule
    if isinstance(rule, TextRule) and rule.records is not None:  # requests with a metadata record (pizza's shape)
        from sandmle_core.modalities.text import records_synth

        return records_synth.synthesize(spec, folder, n_train=n_train, n_test=n_test)
    if spec.modality != Modality.TEXT or not isinstance(rule, TextRule):
        raise SpecError(f"the text synthesizer needs a text spec with a text rule, got {spec.modality}/{rule.kind}")
    if rule.text_is_id:  # detecting insults' shape: the comment is the key
        from sandmle_core.modalities.text.keyed import synthesize_keyed

        return synthesize_keyed(spec, folder, n_train=n_train, n_test=n_test)
    if rule.multilabel:  # jigsaw's shape: one 0/1 column per label
        from sandmle_core.modalities.text.multilabel import synthesize_multilabel

        return synthesize_multilabel(spec, folder, n_train=n_train, n_test=n_test)
    kind = get_metric(spec.grading.metric).kind
    if kind not in SUPPORTED_KINDS:
        raise SpecError(f"metric {spec.grading.metric!r} (kind {kind}) is not supported for text environments")
    n_train = spec.n_train if n_train is None else int(n_train)
    n_test = spec.n_test if n_test is None else int(n_test)
    if n_train < 1 or n_test < 1:
        raise SpecError(f"sizes must be at least 1, got n_train={n_train}, n_test={n_test}")
    text_cols = spec.columns_of(ColumnKind.TEXT)
    if len(text_cols) != 1:
        raise SpecError(f"a text spec needs exactly one text column, has {[c.name for c in text_cols]}")
    text_col, target, id_col = text_cols[0].name, spec.target.columns[0], spec.grading.id_column
    side = [c.name for c in spec.columns if c.kind != ColumnKind.TEXT]
    if side != ([rule.side_column] if rule.side_column else []):
        raise SpecError(f"side columns {side} do not match the rule's {rule.side_column!r}")

    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    streams = SlotStreams.of(spec)
    model = _Model(rule)
    voice = voice_for(text_cols[0].description or "")
    train = _sample(rule, model, n_train, streams("synth", "text", "train"), 1.0, streams("text-render", "train"),
                    voice)
    test = _sample(rule, model, n_test, streams("synth", "text", "test"), rule.test_length_scale,
                   streams("text-render", "test"), voice)
    classes = np.array(rule.classes, dtype=object)
    train_ids = np.arange(n_train)
    test_ids = np.arange(n_train, n_train + n_test)

    def frame(ids: np.ndarray, part: dict[str, np.ndarray]) -> pd.DataFrame:
        table = pd.DataFrame({id_col: ids, text_col: part["documents"]})
        if side:
            table[side[0]] = part["words"]
        return table

    train_df = frame(train_ids, train)
    train_df[target] = classes[train["noisy"]]
    csv = {"index": False, "lineterminator": "\n"}
    train_df.to_csv(folder.train, **csv)
    frame(test_ids, test).to_csv(folder.test, **csv)
    pd.DataFrame({id_col: test_ids, target: classes[test["noisy"]]}).to_csv(folder.answers, **csv)
    _oracle(spec, test_ids, test["post"], kind).to_csv(folder.oracle_submission, **csv)

    oracle_hits = float(np.mean(test["post"].argmax(axis=1) == test["noisy"]))
    stats = {
        "classes": list(rule.classes),
        "train_class_counts": {c: int((train["noisy"] == i).sum()) for i, c in enumerate(rule.classes)},
        "test_class_counts": {c: int((test["noisy"] == i).sum()) for i, c in enumerate(rule.classes)},
        "mean_words_train": round(float(train["words"].mean()), 3),
        "mean_words_test": round(float(test["words"].mean()), 3),
        "label_flips_train": int(train["flipped"].sum()),
        "label_flips_test": int(test["flipped"].sum()),
        "oracle_accuracy_test": round(oracle_hits, 4),
        "vocabulary_units": len(model.texts),
    }
    return SynthesisResult(folder=folder, n_train=n_train, n_test=n_test, stats=stats)
