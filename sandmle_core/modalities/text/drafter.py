"""Drafting a text environment: a per-class token model drawn from a catalog domain's text vocabulary.

The hidden rule (`TextRule`) is a class-conditional model over token units — own signal words, confuser words shared
by two classes, distractor words of other classes, negated words ("no <word>") and class-neutral common words —
with Polya-urn word repetition, a share of vague documents, class priors, a class-dependent document length and
label noise. Every number is drawn from the slot's draft rng, in a fixed order (the order is part of the contract:
the same slot always drafts the same rule).
"""

from __future__ import annotations

import re

import numpy as np

from sandmle_core.catalog.schema import TextVocab
from sandmle_core.errors import SpecError
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.base import Draft, DraftContext, class_count_range, headline
from sandmle_core.modalities.text.phrases import voice_for
from sandmle_core.modalities.text.rule import NEGATION, TextRule
from sandmle_core.spec import Challenge, ColumnKind, ColumnSpec, TargetSpec, TaskType

__all__ = ["FILLER_WORDS", "MANY_CLASSES", "SUPPORTED_KINDS", "draft", "drafts_fine_label"]

FILLER_WORDS = ("the", "and", "with", "was", "of", "at", "in", "for", "to", "on", "after", "then", "some", "this")
"""Class-neutral function words mixed into every domain's common words, so sentences read less like lists."""

SUPPORTED_KINDS = ("label", "class_probabilities", "probability")
"""The metric kinds a text environment can be graded with ("probability": the positive class of a binary task)."""

BINARY_CLASSES = ("0", "1")
"""A binary text task's labels: 1 when the document belongs to the positive vocabulary class, else 0."""

MANY_CLASSES = 12
"""A seed with more classes than this is a many-class seed (the line the ladder's many-class levels use): only a need
above a 12-class seed's (8 classes, as many as the largest own label) drafts a domain's finer label, so a fine label
changes no other seed's domains or rules."""

_TOKEN = re.compile(r"^[a-z][a-z0-9_]*[a-z0-9]$")
_MAX_COMMON = 40


def _valid_words(words: tuple[str, ...] | list[str], banned: set[str]) -> list[str]:
    """Words usable as tokens (lowercase, 2+ word characters), in order, without repeats or banned words."""
    out: list[str] = []
    for w in words:
        if _TOKEN.match(w) and w != NEGATION and w not in banned and w not in out:
            out.append(w)
    return out


def _priors(ctx: DraftContext, k: int) -> list[float]:
    """Class shares: mildly uneven, or clearly imbalanced (geometric) under the class-imbalance challenge."""
    rng = ctx.rng
    if Challenge.CLASS_IMBALANCE in ctx.challenges:
        seed_min = ctx.dna.min_class_share
        target = seed_min if seed_min and seed_min < 0.6 / k else float(rng.uniform(0.25, 0.45)) / k
        target = float(np.clip(target, 0.2 / k, 0.6 / k))
        lo, hi = 1e-3, 1.0  # ratio r of a geometric series whose smallest share is `target`
        for _ in range(60):
            r = (lo + hi) / 2
            shares = r ** np.arange(k)
            if shares[-1] / shares.sum() < target:
                lo = r
            else:
                hi = r
        raw = (hi ** np.arange(k))[rng.permutation(k)]
    else:
        raw = np.exp(rng.normal(0.0, 0.25, size=k))
    shares = np.round(raw / raw.sum(), 4)
    shares[-1] = round(1.0 - float(shares[:-1].sum()), 4)
    return [float(s) for s in shares]


def drafts_fine_label(vocab: TextVocab, need: int) -> bool:
    """Whether a multi-class seed that needs `need` classes is drafted from the vocabulary's finer label: it has one,
    the seed is a many-class one (it needs more than a `MANY_CLASSES` seed does) and the own label is too small."""
    return vocab.fine is not None and need > max(len(vocab.classes), class_count_range(MANY_CLASSES)[0])


def _vocabulary(ctx: DraftContext) -> TextVocab:
    """The domain's text vocabulary, after checking the seed can be drafted as text at all; for a multi-class seed
    that needs more classes than its label has, the vocabulary of its finer label (`TextVocab.fine`)."""
    vocab = ctx.domain.text
    if vocab is None:
        raise SpecError(f"domain {ctx.domain.key!r} has no text vocabulary")
    if ctx.dna.task_type not in (TaskType.MULTICLASS, TaskType.BINARY):
        raise SpecError(f"text environments are multi-class, binary or multi-label; the seed is {ctx.dna.task_type}")
    kind = get_metric(ctx.dna.metric).kind
    allowed = ("label", "probability") if ctx.dna.task_type == TaskType.BINARY else ("label", "class_probabilities")
    if kind not in allowed:
        raise SpecError(f"metric {ctx.dna.metric!r} ({kind}) does not grade a {ctx.dna.task_type} text task")
    need = class_count_range(ctx.dna.label_cardinality)[0] if ctx.dna.label_cardinality else 0
    if ctx.dna.task_type == TaskType.MULTICLASS and drafts_fine_label(vocab, need):
        # a many-class seed: the same documents under their finer label (no seed the own label hosts gets here)
        fine = vocab.fine
        return vocab.model_copy(update={"label": fine.label, "label_description": fine.label_description,
                                        "classes": fine.classes, "flags": None, "fine": None})
    return vocab


def _classes(ctx: DraftContext, vocab: TextVocab) -> list[str]:
    names = list(vocab.classes)
    if ctx.dna.task_type == TaskType.BINARY:  # the negative and the positive class, in that order
        if len(names) < 2:
            raise SpecError(f"domain {ctx.domain.key!r} has fewer than 2 text classes")
        return [names[int(i)] for i in ctx.rng.choice(len(names), size=2, replace=False)]
    low, high = class_count_range(ctx.dna.label_cardinality or len(names))
    high = min(high, len(names))
    if low > high:
        raise SpecError(f"domain {ctx.domain.key!r} has {len(names)} text classes, the seed needs at least {low}")
    k = int(ctx.rng.integers(low, high + 1))
    picked = sorted(int(i) for i in ctx.rng.choice(len(names), size=k, replace=False))
    return [names[i] for i in picked]


def _words(ctx: DraftContext, vocab: TextVocab, classes: list[str]
           ) -> tuple[list[str], dict[str, dict[str, float]], dict[str, tuple[str, str]]]:
    """Common words, each class's weighted signal words, and the confusers (words that signal two classes)."""
    rng, k = ctx.rng, len(classes)
    all_signal = {w for words in vocab.classes.values() for w in words}
    common = _valid_words(list(vocab.common) + list(FILLER_WORDS), all_signal)
    common = [common[i] for i in rng.permutation(len(common))][:_MAX_COMMON]

    # own signal words: a weighted subset of each class's words (a word claimed by one class is not reused)
    taken: set[str] = set(common)
    signal: dict[str, dict[str, float]] = {}
    for cls in classes:
        avail = _valid_words(vocab.classes[cls], taken)
        if len(avail) < 4:
            raise SpecError(f"text class {cls!r} of {ctx.domain.key!r} has fewer than 4 usable signal words")
        m = int(rng.integers(min(6, len(avail)), min(10, len(avail)) + 1))
        chosen = [avail[i] for i in sorted(rng.choice(len(avail), size=m, replace=False))]
        weights = np.round(np.maximum(rng.lognormal(0.0, 0.5, size=m), 0.05), 3)
        signal[cls] = {w: float(x) for w, x in zip(chosen, weights, strict=True)}
        taken |= set(chosen)

    # confusers: unused vocabulary words that signal two classes at once
    pool = sorted(set(_valid_words(sorted(all_signal), taken)))
    confusers: dict[str, tuple[str, str]] = {}
    n_conf = min(len(pool), round(1 + 2 * float(ctx.difficulty)) + int(rng.integers(0, 2)))
    for i in sorted(rng.choice(len(pool), size=n_conf, replace=False)) if n_conf else []:
        a, b = sorted(int(j) for j in rng.choice(k, size=2, replace=False))
        weight = round(float(rng.uniform(0.6, 1.3)), 3)
        confusers[pool[i]] = (classes[a], classes[b])
        signal[classes[a]][pool[i]] = weight
        signal[classes[b]][pool[i]] = weight
    return common, signal, confusers


def _rule(ctx: DraftContext, vocab: TextVocab, classes: list[str]) -> TextRule:
    """The whole token model: words, then lengths, rates and challenge knobs (drawn in this order)."""
    rng, difficulty, k = ctx.rng, float(ctx.difficulty), len(classes)
    common, signal, confusers = _words(ctx, vocab, classes)
    length_low = int(rng.integers(10, 17))
    length_high = length_low + round(36 - 10 * difficulty) + int(rng.integers(-4, 5))
    bias = np.round(rng.uniform(0.42, 0.58, size=k), 3)
    signal_rate = round(0.17 - 0.04 * difficulty + float(rng.uniform(-0.01, 0.01)), 3)
    repeat_rate = round(0.3 + 0.1 * difficulty + float(rng.uniform(-0.03, 0.03)), 3)
    # a note's pertinent negatives are routine ("no wheeze", "no leak found"); a customer, a listing or a news
    # paragraph rarely says what a thing is not, so other voices negate less often
    noted = voice_for(vocab.document).name == "note"
    negation = round((0.07 if noted else 0.035) + 0.02 * difficulty + float(rng.uniform(-0.005, 0.005)), 3)
    vague_share = round(0.08 + 0.15 * difficulty + float(rng.uniform(0.0, 0.03)), 3)
    distractor = 0.0
    if Challenge.DISTRACTOR_TOKENS in ctx.challenges:
        distractor = round(0.02 + 0.03 * difficulty + float(rng.uniform(0.0, 0.01)), 3)
    noise = 0.0
    if Challenge.LABEL_NOISE in ctx.challenges:
        noise = round(0.03 + 0.09 * difficulty + float(rng.uniform(0.0, 0.02)), 3)
    shift = 1.0
    if Challenge.TRAIN_TEST_SHIFT in ctx.challenges:
        shift = round(float(rng.uniform(0.7, 0.85)), 3)
    side = f"{vocab.column}_word_count" if rng.random() < 0.5 else None
    return TextRule(
        classes=tuple(classes),
        priors=dict(zip(classes, _priors(ctx, k), strict=True)),
        signal=signal,
        confusers=confusers,
        common=tuple(common),
        common_zipf=round(float(rng.uniform(0.6, 1.1)), 3),
        length_range=(length_low, length_high),
        length_bias={c: float(q) for c, q in zip(classes, bias, strict=True)},
        signal_rate=signal_rate,
        distractor_rate=distractor,
        negation_rate=negation,
        repeat_rate=repeat_rate,
        vague_share=vague_share,
        vague_scale=0.2,
        label_noise=noise,
        test_length_scale=shift,
        sentence_range=(int(rng.integers(4, 7)), int(rng.integers(8, 13))),
        side_column=side,
    )


def _as_binary(rule: TextRule) -> TextRule:
    """The rule with its two vocabulary classes renamed 0 (negative) and 1 (positive): the same token model."""
    rename = dict(zip(rule.classes, BINARY_CLASSES, strict=True))
    return rule.model_copy(update={
        "classes": BINARY_CLASSES,
        "priors": {rename[c]: v for c, v in rule.priors.items()},
        "signal": {rename[c]: v for c, v in rule.signal.items()},
        "confusers": {w: (rename[a], rename[b]) for w, (a, b) in rule.confusers.items()},
        "length_bias": {rename[c]: v for c, v in rule.length_bias.items()},
    })


def draft(ctx: DraftContext) -> Draft:
    """Draft a text classification environment from the domain's text vocabulary.

    Raises:
        SpecError: when the domain has no text vocabulary or too few classes, the task type is neither multi-class,
            binary nor multi-label, or the metric grades neither a label nor (binary) the positive probability.
    """
    if ctx.dna.task_type == TaskType.MULTILABEL:  # jigsaw: flags from the domain's multi-label vocabulary
        from sandmle_core.modalities.text import multilabel

        return multilabel.draft(ctx)
    from sandmle_core.modalities.text import keyed, records  # they import this module's word lists

    if keyed.is_keyed_seed(ctx.profile):  # the comment is the key (detecting insults)
        return keyed.draft(ctx)

    if records.is_records_seed(ctx.profile):  # free text and a metadata record per row (random-acts-of-pizza)
        return records.draft(ctx)
    vocab = _vocabulary(ctx)
    classes = _classes(ctx, vocab)
    rule = _rule(ctx, vocab, classes)
    columns = [ColumnSpec(name=vocab.column, kind=ColumnKind.TEXT, description=vocab.document)]
    if rule.side_column:
        columns.append(ColumnSpec(name=rule.side_column, kind=ColumnKind.INTEGER, unit="words",
                                  description=f"number of words in the {vocab.column.replace('_', ' ')}"))
    label, described = vocab.label, vocab.label_description
    if ctx.dna.task_type == TaskType.BINARY:
        rule = _as_binary(rule)
        positive = classes[1]
        label = f"is_{re.sub(r'[^a-z0-9]+', '_', positive.lower()).strip('_')}"
        described = f"1 when the {vocab.label.replace('_', ' ')} is {positive!r}, 0 when it is {classes[0]!r}"
    target = TargetSpec(columns=(label,), description=described, classes=rule.classes,
                        positive_class="1" if ctx.dna.task_type == TaskType.BINARY else None)
    return Draft(id_column="id", columns=tuple(columns), target=target, rule=rule,
                 title=_title(ctx.domain.title, vocab, classes if ctx.dna.task_type == TaskType.BINARY else None))


def _title(domain_title: str, vocab: TextVocab, pair: tuple[str, ...] | None) -> str:
    """The title, in words of the label's description, never its snake_case name ("Ata System"): "Predict the
    Aircraft System of the Defect from the Defect Writeup"; a detection task names its two classes ("Landing Gear
    vs. Hydraulics in the Defect Writeup")."""
    document = headline(vocab.column.replace("_", " "))
    if pair is not None:
        negative, positive = (headline(c.replace("_", " ")) for c in pair)
        return f"{domain_title}: {positive} vs. {negative} in the {document}"
    asked = re.sub(r"\s*\([^)]*\)", "", vocab.label_description).strip().rstrip(".")
    return f"{domain_title}: {headline('Predict ' + asked)} from the {document}"
