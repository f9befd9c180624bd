"""Multi-label text tasks (jigsaw-toxic-comment-classification's shape): each document carries any set of labels,
one 0/1 column per label, scored by mean column-wise ROC AUC.

The hidden rule is a `TextRule` with `multilabel` set, drawn from a domain's flag vocabulary (`TextFlags`: reader
comments with moderation flags, guest reviews with complaint tags, ...). Labels form a shallow tree: a root label
is on at its rate, a child (a severe label, a refund demand) only in documents that carry its parent, at its rate
among them, so a child always implies its parent. A document's units are phrases of the labels it carries (their
rate grows with the number of labels), phrases quoted from any label at the distractor rate, negated phrases of
labels it does not carry ("no stained sheets"), and neutral phrases; the written text misspells or masks a share of
the phrases' longer words ("cl0wn", "st*ined"), which changes spelling only. A flagged document says something
flaggable: it holds a phrase of one of its labels (`TextRule.always_said`, every label; drawn again otherwise).
Every label set is a "configuration" of a multi-class token model with its own unit distribution, so the text
synthesizer's unit draws and exact posterior serve here unchanged: the oracle is each label's posterior marginal,
summed over the configurations that carry it. Each label column keeps a few positives and negatives in train and
test (`labelsets.balanced_labels`), so every column's AUC is defined even at 50 training rows; label noise
replaces a row's whole label set by a draw from the prior, so a noisy row still respects the tree.

Imports: numpy, pandas, the text kit's rule, synthesizer and renderer, and the shared vocabulary.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SpecError
from sandmle_core.modalities.base import Draft, SynthesisResult, class_count_range, framing_variant, lower_first
from sandmle_core.modalities.labelsets import balanced_labels
from sandmle_core.modalities.text.render import REMARK, render_documents
from sandmle_core.modalities.text.rule import NEGATION, TextRule
from sandmle_core.modalities.text.synthesizer import _draw_units, _log_posterior, _said, own_words
from sandmle_core.modalities.text.voices import SAID_REMARK
from sandmle_core.slots import SlotStreams
from sandmle_core.spec import Challenge, ColumnKind, ColumnSpec, TargetSpec

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import TextFlags
    from sandmle_core.modalities.base import DraftContext
    from sandmle_core.taskspec import TaskSpec

__all__ = ["configurations", "draft", "misspell", "synthesize_multilabel"]

_PROB_DECIMALS = 6


def _labels(ctx: DraftContext, flags: TextFlags) -> tuple[list[str], dict[str, str]]:
    """The drafted labels in vocabulary order and their parents (a child whose parent is not drafted is a root)."""
    names = list(flags.labels)
    seed_dna = (getattr(ctx.profile, "details", None) or {}).get("dna") or {}
    low, high = class_count_range(seed_dna.get("n_classes") or ctx.dna.label_cardinality or 6)
    high = min(high, len(names))
    if low > high:
        raise SpecError(f"domain {ctx.domain.key!r} has {len(names)} text flags, the seed needs at least {low}")
    k = int(ctx.rng.integers(low, high + 1))
    picked = [names[i] for i in sorted(int(i) for i in ctx.rng.choice(len(names), size=k, replace=False))]
    parents = {c: p for c in picked if (p := flags.labels[c].parent) is not None and p in picked}
    return picked, parents


def _story(ctx: DraftContext, flags: TextFlags) -> str:
    """The framing of the task around the document, with the flag vocabulary's own purpose."""
    org = ctx.domain.organisation
    if framing_variant(ctx.domain, 2) == 0:
        return f"{org} wants to tell {{target}} from {flags.document}, so that {flags.purpose}."
    return (f"The only input is {flags.document}. From its words alone, {lower_first(org)} wants to tell "
            f"{{target}}, so that {flags.purpose}.")


def draft(ctx: DraftContext) -> Draft:
    """Draft a multi-label text environment from the domain's flag vocabulary.

    Raises:
        SpecError: when the domain has no flag vocabulary or fewer flags than the seed needs.
    """
    flags = ctx.domain.text.flags if ctx.domain.text is not None else None
    if flags is None:
        raise SpecError(f"domain {ctx.domain.key!r} has no multi-label text vocabulary")
    rng, difficulty = ctx.rng, float(ctx.difficulty)
    labels, parents = _labels(ctx, flags)
    signal = {}
    for label in labels:
        phrases = list(flags.labels[label].phrases)
        m = int(rng.integers(min(6, len(phrases)), len(phrases) + 1))
        chosen = [phrases[i] for i in sorted(int(i) for i in rng.choice(len(phrases), size=m, replace=False))]
        weights = np.round(np.maximum(rng.lognormal(0.0, 0.5, size=m), 0.05), 3)
        signal[label] = {w: float(x) for w, x in zip(chosen, weights, strict=True)}
    rates = {c: round(float(rng.uniform(0.3, 0.6) if c in parents else rng.uniform(0.15, 0.32)), 3) for c in labels}
    length_low = int(rng.integers(6, 10))
    challenges = ctx.challenges
    rule = TextRule(
        classes=tuple(labels), priors=rates, signal=signal, common=tuple(flags.common),
        common_zipf=round(float(rng.uniform(0.4, 0.9)), 3),
        length_range=(length_low, length_low + round(18 - 6 * difficulty) + int(rng.integers(-2, 3))),
        length_bias={c: round(float(q), 3) for c, q in zip(labels, rng.uniform(0.42, 0.62, len(labels)),
                                                             strict=True)},
        signal_rate=round(0.2 - 0.06 * difficulty + float(rng.uniform(-0.01, 0.01)), 3),
        distractor_rate=round(0.015 + 0.025 * difficulty, 3) if Challenge.DISTRACTOR_TOKENS in challenges else 0.0,
        negation_rate=round(0.04 + 0.03 * difficulty + float(rng.uniform(0.0, 0.01)), 3),
        repeat_rate=round(0.2 + 0.1 * difficulty + float(rng.uniform(-0.03, 0.03)), 3),
        vague_share=round(0.08 + 0.15 * difficulty + float(rng.uniform(0.0, 0.03)), 3), vague_scale=0.25,
        label_noise=round(0.02 + 0.05 * difficulty, 3) if Challenge.LABEL_NOISE in challenges else 0.0,
        test_length_scale=round(float(rng.uniform(0.75, 0.9)), 3) if Challenge.TRAIN_TEST_SHIFT in challenges
        else 1.0,
        sentence_range=(int(rng.integers(2, 4)), int(rng.integers(4, 7))),
        multilabel=True, parents=parents, said=flags.said, always_said=tuple(labels),
        misspell_rate=round(0.3 + 0.3 * difficulty + float(rng.uniform(-0.03, 0.03)), 3),
    )
    column = ColumnSpec(name=flags.column, kind=ColumnKind.TEXT, description=flags.document)
    # which label a column marks, in words ("1 if billing error is among the issues the care team tagged in the
    # ticket"; was "1 when `billing_error` applies to the ticket text", the column's own name again)
    meanings = tuple(f"1 if {c.replace('_', ' ')} is among the {flags.label_description}"
                     + (f" (then `{parents[c]}` is too)" if c in parents else "") + ", else 0" for c in labels)
    target = TargetSpec(columns=tuple(labels), description=flags.label_description, descriptions=meanings)
    kind = flags.label_description.split(" ")[0].title()
    title = f"{ctx.domain.title}: {kind} in the {flags.column.replace('_', ' ').title()}"
    return Draft(id_column="id", columns=(column,), target=target, rule=rule, title=title,
                 story_template=_story(ctx, flags))


def configurations(rule: TextRule) -> tuple[np.ndarray, np.ndarray]:
    """Every label set the tree allows (a child only with its parent), as a (sets, labels) 0/1 matrix with the
    empty set first, and each set's prior probability."""
    labels = list(rule.classes)
    rows, priors = [], []
    for bits in itertools.product((0, 1), repeat=len(labels)):
        on = dict(zip(labels, bits, strict=True))
        if any(on[c] and not on[p] for c, p in rule.parents.items()):
            continue
        prior = 1.0
        for c in labels:
            if c in rule.parents and not on[rule.parents[c]]:
                continue  # a child of an absent parent is off for sure
            prior *= rule.priors[c] if on[c] else 1.0 - rule.priors[c]
        rows.append(bits)
        priors.append(prior)
    return np.array(rows, dtype=np.int64), np.array(priors) / sum(priors)


class _SetModel:
    """The rule as the text synthesizer's multi-class model whose classes are the label sets: per document kind
    (specific, vague), the set × unit probabilities over the neutral phrases, then every label phrase."""

    def __init__(self, rule: TextRule) -> None:
        self.sets, prior = configurations(rule)
        phrases = sorted({w for c in rule.classes for w in rule.signal[c]})
        index = {w: i for i, w in enumerate(phrases)}
        pi = np.zeros((len(rule.classes), len(phrases)))
        for i, label in enumerate(rule.classes):
            for w, weight in rule.signal[label].items():
                pi[i, index[w]] = weight
        pi /= pi.sum(axis=1, keepdims=True)
        size = self.sets.sum(axis=1)
        own = (self.sets @ pi) / np.maximum(size, 1)[:, None]  # the mean phrase distribution of a set's labels
        quoted = pi.mean(axis=0, keepdims=True)
        absent = ((1 - self.sets) @ pi) / np.maximum(len(rule.classes) - size, 1)[:, None]  # "no stained sheets"
        absent[size == len(rule.classes)] = quoted
        zipf = 1.0 / np.arange(1, len(rule.common) + 1) ** rule.common_zipf
        zipf /= zipf.sum()
        d, g = rule.distractor_rate, rule.negation_rate
        self.prob = []
        for scale in (1.0, rule.vague_scale):
            s = np.where(size > 0, np.minimum(0.6, rule.signal_rate * scale * (1 + 0.4 * (size - 1))), 0.0)[:, None]
            self.prob.append(np.concatenate([(1.0 - s - d - g) * zipf[None, :], s * own + d * quoted, g * absent],
                                            axis=1))
        self.texts = list(rule.common) + phrases + [f"{NEGATION} {w}" for w in phrases]
        self.cdf = [np.cumsum(p, axis=1) for p in self.prob]
        for cdf in self.cdf:
            cdf[:, -1] = 1.0
        self.log_kind = np.log(np.array([1.0 - rule.vague_share, rule.vague_share]))
        self.log_prior = np.log(prior)
        self.prior = prior
        bias = np.array([rule.length_bias[c] for c in rule.classes])
        self.bias = np.where(size > 0, (self.sets @ bias) / np.maximum(size, 1), 0.5)
        self.names = [" and ".join(c for c, on in zip(rule.classes, row, strict=True) if on) or "no label"
                      for row in self.sets.tolist()]
        # a set with always-said labels: its documents hold a phrase of one of them (not of each: with every label
        # said, a label is read off its phrases: the oracle's AUC was 0.96–1.0 on the K=10 acceptance slots)
        self.own = {s: own_words(rule, self.texts, said) for s, row in enumerate(self.sets.tolist())
                    if (said := [c for c, on in zip(rule.classes, row, strict=True) if on and c in rule.always_said])}


def _draw_sets(rule: TextRule, model: _SetModel, n: int, minimum: int, rng: np.random.Generator) -> np.ndarray:
    """Each document's label set (an index into `model.sets`): drawn from the prior, then every label given at
    least `minimum` positives and negatives, and closed under the tree (a child forced on brings its parent)."""
    drawn = model.sets[rng.choice(len(model.sets), size=n, p=model.prior)]
    y = balanced_labels(drawn, minimum, rng)
    labels = list(rule.classes)
    for child, parent in rule.parents.items():
        y[:, labels.index(parent)] |= y[:, labels.index(child)]
    return _set_index(model, y)


def _set_index(model: _SetModel, y: np.ndarray) -> np.ndarray:
    codes = {tuple(row): i for i, row in enumerate(model.sets.tolist())}
    return np.array([codes[tuple(row)] for row in y.tolist()], dtype=np.int64)


_VOWEL_SIGNS = {"a": "4", "e": "3", "i": "1", "o": "0"}


def _misspelt(word: str, u: float, v: float) -> str:
    """One misspelling of a word of 4+ letters, picked by `u` (at the letter `v` points to): a vowel as a digit,
    a vowel masked by `*`, the last letter doubled, or an inner letter dropped."""
    inner = [i for i in range(1, len(word) - 1) if word[i] in "aeio"] or [len(word) // 2]
    at = inner[min(int(v * len(inner)), len(inner) - 1)]
    if u < 0.3 and word[at] in _VOWEL_SIGNS:
        return word[:at] + _VOWEL_SIGNS[word[at]] + word[at + 1:]
    if u < 0.55:
        return word[:at] + "*" + word[at + 1:]
    if u < 0.8:
        return word + word[-1]
    return word[:at] + word[at + 1:]


def misspell(documents: list[str], phrases: list[str], rate: float, rng: np.random.Generator) -> list[str]:
    """The documents with each word of 4+ letters of every phrase occurrence misspelled at `rate`. Draws three
    uniforms per such word, in reading order, from `rng`."""
    if rate <= 0 or not phrases:
        return documents
    shown = sorted({p.replace("_", " ") for p in phrases}, key=lambda p: (-len(p), p))
    pattern = re.compile(r"\b(" + "|".join(re.escape(p) for p in shown) + r")\b", re.IGNORECASE)

    def swap(match: re.Match[str]) -> str:
        words = match.group(0).split(" ")
        for i, word in enumerate(words):
            if len(word) >= 4:
                hit, u, v = rng.random(3).tolist()
                words[i] = _misspelt(word, u, v) if hit < rate else word
        return " ".join(words)

    return [pattern.sub(swap, text) for text in documents]


def _sample(rule: TextRule, model: _SetModel, n: int, minimum: int, rng: np.random.Generator, scale: float,
            render_rng: np.random.Generator, spelling_rng: np.random.Generator) -> dict[str, np.ndarray]:
    """`n` documents: label sets, units, each label's exact posterior, the published (noisy) labels and the texts."""
    low = max(1, round(rule.length_range[0] * scale))
    high = max(low + 1, round(rule.length_range[1] * scale))
    y = _draw_sets(rule, model, n, minimum, rng)
    lengths = low + rng.binomial(high - low, model.bias[y])
    vague = (rng.random(n) < rule.vague_share).astype(np.int64)
    units, doc, pos = _draw_units(model, rule, y, vague, lengths, rng)  # type: ignore[arg-type]
    for s, own in model.own.items():  # a flagged document holds a phrase of one of its labels
        units, doc, pos = _said(model, rule, (s, own), (y, vague, lengths), (units, doc),  # type: ignore[arg-type]
                                (low, high), rng)
    marginal = _log_posterior(model, rule, units, doc, pos, lengths, low, high) @ model.sets  # type: ignore[arg-type]
    flip = rng.random(n) < rule.label_noise
    noisy = np.where(flip, rng.choice(len(model.sets), size=n, p=model.prior), y)
    published = model.sets[noisy]
    if (np.minimum(published.sum(axis=0), n - published.sum(axis=0)) < minimum).any():
        published, flip = model.sets[y], np.zeros(n, dtype=bool)  # noise that empties a column is dropped
    texts = render_documents(model.texts, len(rule.common), units, lengths, rule.sentence_range, render_rng,
                             SAID_REMARK if rule.said else REMARK)
    phrases = [t for t in model.texts[len(rule.common):] if " " not in t]
    texts = misspell(texts, phrases, rule.misspell_rate, spelling_rng)
    return {"truth": model.sets[y], "labels": published, "marginal": marginal, "flipped": flip,
            "documents": np.array(texts, dtype=object), "units": units, "doc": doc}


def synthesize_multilabel(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
                          n_test: int | None = None) -> SynthesisResult:
    """Write train/test documents, the answers (one 0/1 column per label) and the oracle (each label's posterior).

    Raises:
        SpecError: when the rule is not multi-label, its labels are not the target columns, or a size is below 4.
    """
    rule = spec.rule
    if not isinstance(rule, TextRule) or not rule.multilabel:
        raise SpecError("a multi-label text spec needs a multi-label text rule")
    labels = list(spec.target.columns)
    if labels != list(rule.classes):
        raise SpecError(f"the rule's labels {list(rule.classes)} are not the target columns {labels}")
    n_train = spec.n_train if n_train is None else int(n_train)
    n_test = spec.n_test if n_test is None else int(n_test)
    if min(n_train, n_test) < 4:
        raise SpecError(f"sizes must be at least 4, got n_train={n_train}, n_test={n_test}")
    text_col, id_col = spec.columns_of(ColumnKind.TEXT)[0].name, spec.grading.id_column
    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    streams = SlotStreams.of(spec)
    model = _SetModel(rule)
    train = _sample(rule, model, n_train, max(3, min(6, n_train // 12)), streams("synth", "text", "train"), 1.0,
                    streams("text-render", "train"), streams("text-spelling", "train"))
    test = _sample(rule, model, n_test, max(2, min(5, n_test // 30)), streams("synth", "text", "test"),
                   rule.test_length_scale, streams("text-render", "test"), streams("text-spelling", "test"))
    ids = [f"{v:016x}" for v in streams("synth", "ids").choice(2**62, size=n_train + n_test, replace=False)]
    csv = {"index": False, "lineterminator": "\n"}
    train_df = pd.DataFrame({id_col: ids[:n_train], text_col: train["documents"]})
    train_df[labels] = train["labels"]
    train_df.to_csv(folder.train, **csv)
    pd.DataFrame({id_col: ids[n_train:], text_col: test["documents"]}).to_csv(folder.test, **csv)
    answers = pd.DataFrame({id_col: ids[n_train:]})
    answers[labels] = test["labels"]
    answers.to_csv(folder.answers, **csv)
    oracle = pd.DataFrame({id_col: ids[n_train:]})
    oracle[list(spec.grading.submission_columns)] = np.round(
        test["marginal"][:, [labels.index(c) for c in spec.grading.submission_columns]], _PROB_DECIMALS)
    oracle.to_csv(folder.oracle_submission, **csv)
    stats = {
        "labels": labels, "parents": dict(rule.parents), "label_sets": len(model.sets),
        "train_label_counts": {c: int(train["labels"][:, j].sum()) for j, c in enumerate(labels)},
        "test_label_counts": {c: int(test["labels"][:, j].sum()) for j, c in enumerate(labels)},
        "label_noise_rows_train": int(train["flipped"].sum()), "label_noise_rows_test": int(test["flipped"].sum()),
        "mean_words_train": round(float(np.mean([len(t.split()) for t in train["documents"]])), 3),
    }
    return SynthesisResult(folder=folder, n_train=n_train, n_test=n_test, stats=stats)
