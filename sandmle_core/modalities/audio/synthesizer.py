"""Synthesizing an audio environment: labels and per-clip nuisance drawn, clips rendered, WAVs and tables written.

`synthesize` draws labels and per-clip nuisance from the slot's streams (`SlotStreams`), renders each clip with numpy
(the class event at a random onset and pitch, coloured background noise, overlapping distractors, gain, clipping) and
writes it as a mono 16-bit WAV with the standard library's `wave` or as an AIFF (`aiff.py`; no timestamps either
way), so the same spec always gives byte-identical files, at any size. Every clip has the same length, so neither
file size nor duration says anything about the label; file names are the shuffled clip ids, and with the rule's
`label_in_name` a training clip's name also ends in its published label (`clip00042_1.aif`), as mle-bench's whale
challenge ships them; test names never carry one.
"""

from __future__ import annotations

import shutil
import wave
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SpecError
from sandmle_core.modalities.audio.aiff import write_aiff
from sandmle_core.modalities.audio.drafter import AUDIO_COLUMN
from sandmle_core.modalities.audio.rule import AudioRule, SoundEvent
from sandmle_core.modalities.base import SynthesisResult
from sandmle_core.modalities.classes import name_with_label, oracle_submission, plan_classes
from sandmle_core.slots import SlotStreams

if TYPE_CHECKING:
    from sandmle_core.taskspec import TaskSpec

__all__ = ["AUDIO_DIR", "clip_paths", "event_wave", "render_clips", "synthesize", "write_wav"]

AUDIO_DIR = "clips"
CHUNK = 512  # clips rendered per batch; fixed so that noise streams never depend on the data size
MAX_DISTRACTORS = 3
LEVEL = 0.05  # full-scale share of a unit-RMS noise floor at 0 dB gain: loud events peak well below clipping


def event_wave(event: SoundEvent, rate: int, pitch: float, rng: np.random.Generator) -> np.ndarray:
    """One event as samples (unit RMS over its length, tapered ends); `pitch` scales its frequencies."""
    n = max(1, round(event.duration * rate))
    if event.kind == "none":
        return np.zeros(n)
    t = np.arange(n) / rate
    f0, f1 = event.f0 * pitch, event.f1 * pitch
    start = rng.uniform(0.0, 2 * np.pi)
    if event.kind == "call":
        wave_ = np.sin(2 * np.pi * f0 * t - event.depth / event.rate * np.cos(2 * np.pi * event.rate * t) + start)
    elif event.kind == "harmonic":
        wave_ = sum(np.sin(2 * np.pi * h * f0 * t + start * h) / h for h in range(1, event.harmonics + 1))
    elif event.kind == "sweep":
        wave_ = np.sin(2 * np.pi * (f0 * t + (f1 - f0) * t**2 / (2 * event.duration)) + start)
    else:  # chirp and pulse: a repeated element of a share of the period
        period = 1.0 / event.rate
        width = 0.6 * period if event.kind == "chirp" else min(0.012, 0.5 * period)
        tau = np.mod(t, period)
        inside = tau < width
        sweep = f0 * tau + (f1 - f0) * tau**2 / (2 * width)
        wave_ = np.where(inside, np.sin(2 * np.pi * sweep + start) * np.sin(np.pi * np.minimum(tau / width, 1)), 0.0)
    taper = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.02 + 1e-3)
    wave_ = np.asarray(wave_) * taper
    return wave_ / (np.sqrt(np.mean(wave_**2)) + 1e-12)


def _noise(colours: np.ndarray, n_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS noise per row: exponent 0 (white), 1 (pink) or 2 (brown) of the power spectrum's 1/f slope."""
    white = rng.standard_normal((len(colours), n_samples))
    spectrum = np.fft.rfft(white, axis=1)
    freq = np.fft.rfftfreq(n_samples)
    freq[0] = freq[1]
    shaped = np.fft.irfft(spectrum * freq[None, :] ** (-colours[:, None] / 2.0), n=n_samples, axis=1)
    return shaped / shaped.std(axis=1, keepdims=True)


def _place(clip: np.ndarray, part: np.ndarray, rng: np.random.Generator, scale: float) -> None:
    onset = int(rng.integers(0, len(clip) - len(part) + 1))
    clip[onset:onset + len(part)] += scale * part


def add_distractors(clip: np.ndarray, rule: AudioRule, count: int, rng: np.random.Generator) -> None:
    """Add `count` label-free distractor events to one clip, each at its own level and onset."""
    for _ in range(count):
        distractor = rule.distractors[int(rng.integers(len(rule.distractors)))]
        level = 10 ** (rng.uniform(*rule.distractor_db) / 20)
        _place(clip, event_wave(distractor, rule.sample_rate, float(np.exp(rng.normal(0, 0.05))), rng), rng, level)


def to_int16(clips: np.ndarray, gain: np.ndarray, hot: np.ndarray, drive: np.ndarray) -> np.ndarray:
    """Apply each clip's gain (and overdrive where `hot`), clip to [-1, 1] and quantise to 16-bit samples."""
    clips *= (LEVEL * 10 ** (gain / 20) * np.where(hot, drive, 1.0))[:, None]
    return np.round(np.clip(clips, -1.0, 1.0) * 32767).astype(np.int16)


def render_clips(rule: AudioRule, labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Render clips of true classes `labels` (indices into rule.events) as int16 samples (m, rate * seconds)."""
    m, rate = len(labels), rule.sample_rate
    n_samples = round(rule.clip_seconds * rate)
    colours = rng.choice(3, size=m, p=np.array(rule.noise_colours) / sum(rule.noise_colours)).astype(float)
    clips = _noise(colours, n_samples, rng)
    snr = rng.uniform(*rule.snr_db, m)
    gain = rng.uniform(*rule.gain_db, m)
    hot = rng.random(m) < rule.clip_rate
    drive = rng.uniform(4.0, 10.0, m)
    count = np.minimum(rng.poisson(rule.distractor_rate, m), MAX_DISTRACTORS)
    for i in range(m):
        pitch = float(np.exp(rng.normal(0.0, rule.pitch_sd)))
        _place(clips[i], event_wave(rule.events[int(labels[i])], rate, pitch, rng), rng, 10 ** (snr[i] / 20))
        add_distractors(clips[i], rule, int(count[i]), rng)
    return to_int16(clips, gain, hot, drive)


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """A mono 16-bit PCM WAV (little-endian, no metadata chunks: the same samples give the same bytes)."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())


def clip_paths(rule: AudioRule, ids: list[str], published: list[str], n_train: int) -> list[str]:
    """Each clip's path relative to the data folder: `clips/<id>.wav`, or `.aif`; with `label_in_name` a training
    clip is `clips/<id>_<label>.<ext>` (its published label, as the whale challenge names them)."""
    ext = ".aif" if rule.file_format == "aiff" else ".wav"
    stems = [name_with_label(i, label) if rule.label_in_name and row < n_train else i
             for row, (i, label) in enumerate(zip(ids, published, strict=True))]
    return [f"{AUDIO_DIR}/{stem}{ext}" for stem in stems]


def _write_clips(rule: AudioRule, truth: np.ndarray, paths: list[str], streams: SlotStreams, public: Path) -> None:
    clip_dir = public / AUDIO_DIR
    if clip_dir.exists():
        shutil.rmtree(clip_dir)  # stale clips of an earlier, larger run must not linger
    clip_dir.mkdir(parents=True)
    for chunk, start in enumerate(range(0, len(truth), CHUNK)):
        rows = slice(start, min(len(truth), start + CHUNK))
        samples = render_clips(rule, truth[rows], streams("synth", "clips", chunk))
        for rel, clip in zip(paths[rows], samples, strict=True):
            if rule.file_format == "aiff":
                write_aiff(public / rel, clip, rule.sample_rate)
            else:
                write_wav(public / rel, clip, rule.sample_rate)


def synthesize(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
               n_test: int | None = None) -> SynthesisResult:
    """Write train/test CSVs, the WAV clips, the answers and the oracle submission of an audio spec under `folder`.

    Raises:
        SpecError: when the spec is not an audio spec, its classes do not match the rule, or the sizes are too
            small for its classes.
    """
    rule = spec.rule
    if not isinstance(rule, AudioRule):
        raise SpecError(f"the audio synthesizer needs an audio rule, the spec has a {rule.kind} rule")
    if rule.species_calls > 0:  # several species per recording, in mlsp-2013-birds' files and flattened rows
        from sandmle_core.modalities.audio.multilabel import synthesize_multilabel

        return synthesize_multilabel(spec, folder, n_train=n_train, n_test=n_test)
    plan = plan_classes(spec, len(rule.events), rule.class_weights, rule.label_noise, "clip", n_train, n_test)
    classes, n_train, n_test, k = plan.classes, plan.n_train, plan.n_test, len(plan.classes)
    truth, noisy, ids, streams = plan.truth, plan.noisy, plan.ids, plan.streams
    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    published = [classes[int(i)] for i in noisy]
    paths = clip_paths(rule, ids, published, n_train)
    _write_clips(rule, truth, paths, streams, folder.public)

    g, target = spec.grading, spec.target.columns[0]
    frame = pd.DataFrame({g.id_column: ids, AUDIO_COLUMN: paths, target: published, "_truth": truth})
    train = frame.iloc[:n_train].sort_values(g.id_column, kind="stable")
    test = frame.iloc[n_train:].sort_values(g.id_column, kind="stable")
    train.drop(columns=["_truth"]).to_csv(folder.train, index=False)
    test.drop(columns=[target, "_truth"]).to_csv(folder.test, index=False)
    test[[g.id_column, target]].to_csv(folder.answers, index=False)
    oracle_submission(spec, test[g.id_column].tolist(), test["_truth"].to_numpy(), classes,
            rule.label_noise).to_csv(folder.oracle_submission, index=False)
    stats = {
        "n_classes": k,
        "sample_rate": rule.sample_rate,
        "clip_seconds": rule.clip_seconds,
        "train_class_counts": {c: int((train[target] == c).sum()) for c in classes},
        "test_class_counts": {c: int((test[target] == c).sum()) for c in classes},
        "label_noise_share": round(float((noisy != truth).mean()), 4),
        "file_format": rule.file_format,
        "label_in_name": rule.label_in_name,
    }
    return SynthesisResult(folder=folder, n_train=n_train, n_test=n_test, stats=stats)
