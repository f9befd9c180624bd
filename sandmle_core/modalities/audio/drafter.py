"""Drafting an audio environment: classes from a domain's audio vocabulary, and the hidden per-class sound events.

`draft` picks the classes (a detection task asks about the vocabulary's `detect` sound: class "1" is that event,
class "0" is its absence) and draws the hidden `AudioRule`: one event per class, of the sound shapes the domain's
sources make (the vocabulary's `calls`, every shape when it names none; classes share an event kind more
often as difficulty grows, and then differ only in pitch or rate, which the clip-wide spectrum barely shows), a
distractor pool shared by every class, and nuisance strengths (noise, distractors, gain, clipping) that grow with
difficulty. Every number comes from the slot's draft rng.
"""

from __future__ import annotations

import numpy as np

from sandmle_core.catalog.schema import AudioVocab
from sandmle_core.errors import SpecError
from sandmle_core.modalities.audio.rule import EVENT_KINDS, AudioRule, SoundEvent
from sandmle_core.modalities.base import Draft, DraftContext, class_count_range
from sandmle_core.spec import Challenge, ColumnKind, ColumnSpec, TargetSpec, TaskType

__all__ = ["AUDIO_COLUMN", "ID_COLUMN", "draft", "draw_event", "sound_shapes"]

AUDIO_COLUMN = "clip"
ID_COLUMN = "clip_id"
SAMPLE_RATE = 4000


def _r(value: float, digits: int = 3) -> float:
    return round(float(value), digits)


def draw_event(kind: str, rng: np.random.Generator, pitch: float | None = None) -> SoundEvent:
    """A sound event of this kind with drawn parameters (`pitch` in [0, 1] places its frequency; None = random)."""
    u = rng.uniform() if pitch is None else pitch
    duration = _r(rng.uniform(0.3, 0.5))
    if kind == "call":
        f0 = 350.0 * 4.0 ** u
        return SoundEvent(kind="call", f0=_r(f0, 1), f1=_r(f0, 1), duration=duration, rate=_r(rng.uniform(6, 14)),
                          depth=_r(rng.uniform(0.04, 0.1) * f0, 1), harmonics=1)
    if kind == "chirp":
        f0 = 400.0 * 3.0 ** u
        f1 = f0 * (1.6 if rng.random() < 0.5 else 0.6)
        return SoundEvent(kind="chirp", f0=_r(f0, 1), f1=_r(f1, 1), duration=duration, rate=_r(rng.uniform(6, 12)),
                          depth=0.0, harmonics=1)
    if kind == "harmonic":
        f0 = 160.0 * 2.4 ** u
        return SoundEvent(kind="harmonic", f0=_r(f0, 1), f1=_r(f0, 1), duration=duration, rate=0.0, depth=0.0,
                          harmonics=int(min(5, 1900 // f0, rng.integers(3, 6))))
    if kind == "pulse":
        f0 = 600.0 * 2.8 ** u
        return SoundEvent(kind="pulse", f0=_r(f0, 1), f1=_r(f0, 1), duration=duration, rate=_r(rng.uniform(10, 30)),
                          depth=0.0, harmonics=1)
    if kind == "sweep":
        f0 = 300.0 * 2.5 ** u
        up = rng.random() < 0.5
        f1 = min(1850.0, f0 * 2.2) if up else f0
        f0 = f0 if up else min(1850.0, f0 * 2.2)
        return SoundEvent(kind="sweep", f0=_r(f0, 1), f1=_r(f1, 1), duration=duration, rate=0.0, depth=0.0,
                          harmonics=1)
    raise SpecError(f"unknown sound event kind {kind!r}")


def sound_shapes(vocab: AudioVocab) -> tuple[str, ...]:
    """The event kinds a domain's classes are drawn as: the vocabulary's `calls` (in `EVENT_KINDS` order), or all."""
    return tuple(k for k in EVENT_KINDS if vocab.calls is None or k in vocab.calls)


def _class_events(k: int, rng: np.random.Generator, difficulty: float,
                  shapes: tuple[str, ...] = EVENT_KINDS) -> tuple[SoundEvent, ...]:
    """One event per class, of the domain's `shapes`; classes sharing a kind get pitches spread over the kind's
    range (closer when hard)."""
    n_kinds = int(np.clip(round(k * (0.9 - 0.45 * difficulty)), min(2, k), min(k, len(shapes))))
    kinds = [shapes[int(i)] for i in rng.choice(len(shapes), size=n_kinds, replace=False)]
    assignment = [kinds[i % n_kinds] for i in rng.permutation(k)]
    events: list[SoundEvent | None] = [None] * k
    for kind in dict.fromkeys(assignment):
        members = [i for i, s in enumerate(assignment) if s == kind]
        spread = 1.0 - 0.5 * difficulty
        start = rng.uniform(0.0, 1.0 - spread) if len(members) > 1 else rng.uniform()
        for j, i in enumerate(rng.permutation(members)):
            pitch = start + spread * j / max(1, len(members) - 1) if len(members) > 1 else start
            events[int(i)] = draw_event(kind, rng, pitch=float(np.clip(pitch + rng.uniform(-0.03, 0.03), 0, 1)))
    return tuple(e for e in events if e is not None)


def _class_weights(k: int, rng: np.random.Generator, imbalanced: bool, binary: bool) -> tuple[float, ...]:
    """Near-uniform shares, or log-normal ones; a detection task has 15–45% positives."""
    if binary:
        positive = _r(rng.uniform(0.15, 0.3) if imbalanced else rng.uniform(0.3, 0.45), 4)
        return (_r(1.0 - positive, 4), positive)
    raw = np.exp(rng.normal(0.0, 0.6, k)) if imbalanced else rng.dirichlet(np.full(k, 60.0))
    shares = np.maximum(raw / raw.sum(), 0.3 / k)
    shares = np.round(shares / shares.sum(), 4)
    shares[-1] = round(1.0 - shares[:-1].sum(), 4)
    return tuple(float(s) for s in shares)


def _nuisance(rng: np.random.Generator, strength: float, difficulty: float, label_noise: bool,
              multiclass: bool) -> dict[str, object]:
    colours = rng.dirichlet(np.full(3, 4.0))
    colours = np.round(colours, 4)
    colours[-1] = round(1.0 - colours[:-1].sum(), 4)
    # a detection task hears one event against none, far easier than telling events apart: it gets 10 dB less
    top = (6.0 if multiclass else -4.0) - 12.0 * difficulty
    return {
        "pitch_sd": _r(0.01 + 0.03 * strength, 4),
        "snr_db": (_r(top - 8.0, 2), _r(top, 2)),
        "noise_colours": tuple(float(c) for c in colours),
        "distractors": tuple(draw_event(str(rng.choice(EVENT_KINDS)), rng) for _ in range(4)),
        "distractor_rate": _r(0.4 + 1.2 * strength),
        "distractor_db": (_r(top - 10.0, 2), _r(top - 2.0, 2)),
        "gain_db": (_r(-3.0 - 5.0 * strength, 2), _r(3.0 + 3.0 * strength, 2)),
        "clip_rate": _r(0.02 + 0.1 * strength),
        "label_noise": _r(0.03 + 0.07 * difficulty) if label_noise else 0.0,
    }


def _draft_multilabel(ctx: DraftContext) -> Draft:
    """Several species calling in one recording, as mle-bench's mlsp-2013-birds: every vocabulary class is a species
    with its own call (shapes shared more often when hard, then told apart by pitch or rate), heard independently
    about `species_calls` times per recording in 2-second clips; the submission keeps the seed's flattened rows."""
    vocab = ctx.domain.audio
    assert vocab is not None
    rng, difficulty = ctx.rng, float(ctx.difficulty)
    strength = min(1.0, difficulty + (0.2 if Challenge.NUISANCE_VARIATION in ctx.challenges else 0.0))
    low, high = class_count_range(ctx.dna.label_cardinality or 6)  # as many species as the seed's, give or take
    high = min(high, len(vocab.classes))
    if high < low:
        raise SpecError(f"domain {ctx.domain.key!r} has {len(vocab.classes)} species; the seed needs >= {low}")
    k = int(rng.integers(low, high + 1))
    species = tuple(vocab.classes[int(i)] for i in sorted(rng.choice(len(vocab.classes), size=k, replace=False)))
    events = _class_events(k, rng, difficulty, sound_shapes(vocab))
    weights = _class_weights(k, rng, Challenge.CLASS_IMBALANCE in ctx.challenges, False)
    nuisance = _nuisance(rng, strength, difficulty, Challenge.LABEL_NOISE in ctx.challenges, True)
    calls = _r(rng.uniform(1.2, 2.2))
    rule = AudioRule(sample_rate=SAMPLE_RATE, clip_seconds=2.0, events=events, class_weights=weights,
                     **nuisance, species_calls=calls, species=species)  # type: ignore[arg-type]
    grading = getattr(ctx.profile, "grading", None)  # the seed's own id and answer column (mlsp: Id, Probability)
    target_name = grading.target_columns[0] if grading is not None else "Probability"
    id_column = grading.id_column if grading is not None else "Id"
    target = TargetSpec(columns=(target_name,), description="1 if the row's species is heard calling in the "
                        "recording (one row per recording and species)")
    columns = (ColumnSpec(name=AUDIO_COLUMN, kind=ColumnKind.AUDIO,
                          description=f"path of the recording ({vocab.subject}, stretched to 2 s; mono 16-bit WAV, "
                                      f"{SAMPLE_RATE} samples/s), relative to the data folder; the same for the "
                                      "rows of one recording"),)
    title = f"{vocab.title or ctx.domain.title}: Multi-Label {vocab.label.replace('_', ' ').title()} Tagging"
    return Draft(id_column=id_column, columns=columns, target=target, rule=rule, title=title)


def draft(ctx: DraftContext) -> Draft:
    """Draft the modality half of an audio classification spec (see the module docstring).

    Raises:
        SpecError: when the domain has no audio vocabulary, the task is neither binary nor multi-class, or the
            vocabulary has too few classes for the seed's label cardinality.
    """
    vocab = ctx.domain.audio
    if vocab is None:
        raise SpecError(f"domain {ctx.domain.key!r} has no audio vocabulary")
    task = ctx.dna.task_type
    if task == TaskType.MULTILABEL:
        return _draft_multilabel(ctx)
    if task not in (TaskType.BINARY, TaskType.MULTICLASS):
        raise SpecError(f"audio environments are binary, multi-class or multi-label, the seed is {task}")
    rng, difficulty = ctx.rng, float(ctx.difficulty)
    strength = min(1.0, difficulty + (0.2 if Challenge.NUISANCE_VARIATION in ctx.challenges else 0.0))
    imbalanced = Challenge.CLASS_IMBALANCE in ctx.challenges
    if task == TaskType.BINARY:
        classes: tuple[str, ...] = ("0", "1")
        target = TargetSpec(columns=(vocab.detect,), description=vocab.detect_description, classes=classes,
                            positive_class="1")
        silent = SoundEvent(kind="none", f0=0.0, f1=0.0, duration=0.0, rate=0.0, depth=0.0, harmonics=1)
        events = (silent, draw_event(str(rng.choice(sound_shapes(vocab))), rng))
        title = f"{vocab.title or ctx.domain.title}: {vocab.detect.replace('_', ' ').title()} Detection"
    else:
        low, high = class_count_range(ctx.dna.label_cardinality or 5)
        high = min(high, len(vocab.classes))
        if high < low:
            raise SpecError(f"domain {ctx.domain.key!r} has {len(vocab.classes)} audio classes; the seed needs "
                            f">= {low}")
        k = int(rng.integers(low, high + 1))
        classes = tuple(vocab.classes[int(i)] for i in sorted(rng.choice(len(vocab.classes), size=k, replace=False)))
        target = TargetSpec(columns=(vocab.label,), description=vocab.label_description, classes=classes)
        events = _class_events(k, rng, difficulty, sound_shapes(vocab))
        title = f"{vocab.title or ctx.domain.title}: {vocab.label.replace('_', ' ').title()} Recognition"
    # the seed's container and naming are part of what a solution copes with: an AIFF seed gets AIFF clips, a seed
    # whose training clips carry the label in their names gets such names (read after every rng draw: no shift)
    details = getattr(ctx.profile, "details", None) or {}
    file_format = "aiff" if details.get("file_format") == "aiff" else "wav"
    rule = AudioRule(sample_rate=SAMPLE_RATE, clip_seconds=1.0, events=events,
                     class_weights=_class_weights(len(classes), rng, imbalanced, task == TaskType.BINARY),
                     **_nuisance(rng, strength, difficulty, Challenge.LABEL_NOISE in ctx.challenges,
                                 task == TaskType.MULTICLASS),  # type: ignore[arg-type]
                     file_format=file_format, label_in_name=bool(details.get("labels_in_names", False)))
    container = "mono 16-bit big-endian AIFF" if file_format == "aiff" else "mono 16-bit WAV"
    named = "; a training clip's name ends in its label, `_<label>`" if rule.label_in_name else ""
    columns = (ColumnSpec(name=AUDIO_COLUMN, kind=ColumnKind.AUDIO,
                          description=f"path of the clip ({vocab.subject}; {container}, {SAMPLE_RATE} samples/s, "
                                      f"1 s), relative to the data folder{named}"),)
    return Draft(id_column=ID_COLUMN, columns=columns, target=target, rule=rule, title=title)
