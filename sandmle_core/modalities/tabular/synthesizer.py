"""Synthesizing a tabular environment: rows sampled from the rule, damaged as the challenges say, written as files.

`synthesize` samples rows from the rule at any scale, damages the observed features (missingness, outliers, shift,
label noise) and writes the environment's data files together with the oracle (the rule's noise-free prediction).
Every draw comes from the slot's streams (`SlotStreams`), so two slots of one build never share ids or noise.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sandmle_core.envfolder import EnvFolder
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.base import SynthesisResult, rounded_in_range
from sandmle_core.modalities.tabular.rule import FeatureRule, TabularRule
from sandmle_core.modalities.tabular.sampling import evaluate, round4, sample_clean, sigmoid, softmax
from sandmle_core.modalities.tabular.structure import write_structures
from sandmle_core.slots import SlotStreams
from sandmle_core.spec import TaskType

if TYPE_CHECKING:
    from sandmle_core.taskspec import TaskSpec

__all__ = ["synthesize"]

BULK_SHARE = 0.4  # the part of a declared range the bulk of an outlier-bearing column fills
OUTLIER_FLOOR = 0.7  # outliers land in [low + 0.7 span, high]


def _observe(f: FeatureRule, u: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """Clean standardized values → what the agent sees (units, rounding, outliers, missing values)."""
    n = len(u)
    if f.kind == "categorical":
        values = np.asarray(f.levels, dtype=object)[u]
        series = pd.Series(values, dtype=object)
        score = u.astype(float) / max(1, len(f.levels) - 1)
    else:
        span = f.high - f.low
        if f.transform == "exp":
            x = f.low + span * np.exp(f.skew * (u - 3.0))
        else:
            x = (f.low + f.high) / 2 + span / 6 * u
        x = np.clip(x, f.low, f.high)
        if f.outlier_share > 0:
            # The declared range is what the column can physically take (a tilt of 276 degrees or a 417 % share
            # cannot be), so outliers stay inside it: the bulk is squeezed into the range's lower part and the
            # outliers land in its top, several bulk widths away.
            x = f.low + (x - f.low) * BULK_SHARE
            hit = rng.random(n) < f.outlier_share
            x = np.where(hit, f.low + span * rng.uniform(OUTLIER_FLOOR, 1.0, n), x)
        if f.kind == "integer":
            series = pd.Series(np.round(x, f.decimals).astype(np.int64))
        else:  # rounding may not leave the declared range (0.5 rounds half-to-even to 0.0, below a low of 0.5)
            series = pd.Series(rounded_in_range(x, f.low, f.high, False, f.decimals))
        score = u
    if f.missing > 0:
        if f.missing_mode == "mnar":
            p = np.clip(2 * f.missing * sigmoid(2.5 * (np.asarray(score, dtype=float) - np.median(score))), 0, 0.95)
        else:
            p = np.full(n, f.missing)
        mask = rng.random(n) < p
        series = series.astype(object if f.kind == "categorical" else "Float64" if f.kind == "numeric" else "Int64")
        series[mask] = pd.NA
    return series


def _multitarget(rule: TabularRule, signal: np.ndarray, rng: np.random.Generator):
    """A multi-target regression's values and oracle: per target `mid + half * (signal + noise)` on its scale (log1p
    for RMSLE), part of the noise shared by the targets; the oracle is the noise-free value (on the log1p scale the
    median, which is what minimises a squared log error)."""
    n = len(signal)
    shared = rng.standard_normal(n)
    values, oracle = {}, {}
    for j, t in enumerate(rule.targets):
        noise = math.sqrt(rule.noise_share) * shared + math.sqrt(1.0 - rule.noise_share) * rng.standard_normal(n)
        lo, hi = (math.log1p(t.low), math.log1p(t.high)) if t.log1p else (t.low, t.high)
        mid, half = (lo + hi) / 2, (hi - lo) / 6
        noisy, clean = mid + half * (signal[:, j] + t.noise_sd * noise), mid + half * signal[:, j]
        if t.log1p:
            noisy, clean = np.expm1(noisy), np.expm1(clean)
        # a measured value stays in its declared range, rounding included
        values[t.name] = rounded_in_range(np.clip(noisy, t.low, t.high), t.low, t.high, False, t.decimals)
        oracle[t.name] = np.round(np.clip(clean, t.low, t.high), t.decimals + 2)
    return values, oracle


def _outputs(spec: TaskSpec, rule: TabularRule, signal: np.ndarray, rng: np.random.Generator):
    """(labels or values per target column, oracle submission columns) for the sampled rows."""
    task, n = spec.task_type, len(signal)
    classes = spec.target.classes
    if task == TaskType.MULTI_TARGET:
        return _multitarget(rule, signal, rng)
    if task == TaskType.REGRESSION:
        y_clean = signal[:, 0]
        y_noisy = y_clean + rule.noise_sd * rng.standard_normal(n)
        if rule.log_target:
            lo, hi = math.log(rule.target_low), math.log(rule.target_high)
            mid, half = (lo + hi) / 2, (hi - lo) / 6
            value = np.exp(mid + half * y_noisy)
            oracle = np.exp(mid + half * y_clean + (half * rule.noise_sd) ** 2 / 2)
        else:
            mid, half = (rule.target_low + rule.target_high) / 2, (rule.target_high - rule.target_low) / 6
            value, oracle = mid + half * y_noisy, mid + half * y_clean
        d = rule.target_decimals
        # a measured value stays in its declared range, rounding included
        value = rounded_in_range(np.clip(value, rule.target_low, rule.target_high), rule.target_low,
                                 rule.target_high, False, d)
        return {spec.target.columns[0]: value}, {spec.target.columns[0]: np.round(oracle, d + 2)}
    if task in (TaskType.BINARY, TaskType.MULTILABEL):
        p = sigmoid(rule.slope * signal + np.asarray(rule.bias))
        y = (rng.random(p.shape) < p).astype(np.int64)
        flip = rng.random(p.shape) < rule.label_noise
        y = np.where(flip, 1 - y, y)
        truth = {c: y[:, j] for j, c in enumerate(spec.target.columns)}
        if task == TaskType.BINARY and get_metric(spec.grading.metric).kind == "label":
            # a label metric (accuracy, F1) scores the class itself: the Bayes label is the likelier class (symmetric
            # label noise leaves it unchanged); a probability here is "not one of the classes"
            # (the labels are written as 0/1, the binary target's classes "0" and "1")
            return truth, {spec.grading.submission_columns[0]: np.where(p[:, 0] >= 0.5, "1", "0")}
        return truth, {c: np.round(p[:, j], 6) for j, c in enumerate(spec.target.columns)}
    assert classes is not None
    k = len(classes)
    if task == TaskType.ORDINAL:
        cuts = np.asarray(rule.cutpoints)
        noisy = signal[:, 0] + rule.noise_sd * rng.standard_normal(n)
        idx = np.searchsorted(cuts, noisy)
        # Bayes-optimal class for a squared-error-like loss: the class of the noise-free signal's expected index.
        grid = rng.standard_normal(256) * rule.noise_sd
        expected = np.searchsorted(cuts, signal[:, :1] + grid[None, :]).mean(axis=1)
        best = np.clip(np.rint(expected), 0, k - 1).astype(int)
        probs = None
    else:
        probs = softmax(rule.slope * signal + np.asarray(rule.bias))
        cum = probs.cumsum(axis=1)
        idx = np.minimum((rng.random((n, 1)) > cum).sum(axis=1), k - 1)
        best = probs.argmax(axis=1)
    if rule.label_noise > 0:
        flip = rng.random(n) < rule.label_noise
        idx = np.where(flip, rng.integers(0, k, n), idx)
    labels = np.asarray(classes, dtype=object)[idx]
    target = spec.target.columns[0]
    kind = get_metric(spec.grading.metric).kind
    if kind == "class_probabilities":
        if probs is None:  # ordinal graded by log loss: spread the oracle over neighbours of its class
            probs = np.full((n, k), 0.02 / k)
            probs[np.arange(n), best] += 0.98
        probs = np.round(probs, 6)
        # rows sum to 1 exactly after rounding: the remainder goes to the row's largest column (>= 1/k), never to a
        # column near 0 that it could push below 0 (with 20+ classes the last column often rounds to 0)
        rows, top = np.arange(n), probs.argmax(axis=1)
        probs[rows, top] = np.round(1.0 - (probs.sum(axis=1) - probs[rows, top]), 6)
        return {target: labels}, {c: probs[:, j] for j, c in enumerate(classes)}
    return {target: labels}, {spec.grading.submission_columns[0]: np.asarray(classes, dtype=object)[best]}


def _ids(rng: np.random.Generator, n: int, prefix: str) -> np.ndarray:
    width = max(6, len(str(n * 10)))
    numbers = rng.choice(10 ** width - 10 ** (width - 1), n, replace=False) + 10 ** (width - 1)
    return np.array([f"{prefix}{v}" for v in numbers], dtype=object)


def synthesize(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None, n_test: int | None = None
               ) -> SynthesisResult:
    """Sample the environment's rows from its rule and write the data files (see module docstring)."""
    rule = spec.rule
    assert isinstance(rule, TabularRule)
    n_train = n_train or spec.n_train
    n_test = n_test or spec.n_test
    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    streams = SlotStreams.of(spec)
    if rule.ids_restart:  # the seed's quirk, kept: 1..n in train.csv and again 1..n in test.csv
        ids = np.concatenate([np.arange(1, n_train + 1), np.arange(1, n_test + 1)])
    else:
        ids = _ids(streams("synth", "ids"), n_train + n_test, spec.grading.id_column[:1].upper())
    frames, oracles = [], []
    for part, n, shift in (("train", n_train, 0.0), ("test", n_test, rule.test_shift)):
        clean = sample_clean(rule, n, streams("synth", part), shift=shift)
        if rule.structure is not None:  # the seed's per-id files (nomad2018's geometry.xyz), from the clean values
            part_ids = ids[:n_train] if part == "train" else ids[n_train:]
            write_structures(rule.structure, clean, list(part_ids), part, folder.public,
                             streams("synth", part, "structure"))
        signal = evaluate(rule, clean, n)
        targets, oracle = _outputs(spec, rule, signal, streams("synth", part, "target"))
        obs_rng = streams("synth", part, "observe")
        frame = pd.DataFrame({c.name: _observe(next(f for f in rule.features if f.name == c.name), clean[c.name],
                                               obs_rng) for c in spec.columns})
        for col, values in targets.items():
            frame[col] = values
        frames.append(frame)
        oracles.append(pd.DataFrame(oracle))
    train, test = frames
    train.insert(0, spec.grading.id_column, ids[:n_train])
    test.insert(0, spec.grading.id_column, ids[n_train:])
    target_cols = list(spec.target.columns)
    train.to_csv(folder.train, index=False)
    test.drop(columns=target_cols).to_csv(folder.test, index=False)
    test[[spec.grading.id_column, *target_cols]].to_csv(folder.answers, index=False)
    oracle = oracles[1]
    oracle.insert(0, spec.grading.id_column, ids[n_train:])
    oracle.to_csv(folder.oracle_submission, index=False)
    stats: dict = {"missing_share": round4(train[[c.name for c in spec.columns]].isna().mean().mean())}
    if spec.target.classes:
        counts = train[target_cols[0]].astype(str).value_counts()
        stats["train_class_counts"] = {c: int(counts.get(c, 0)) for c in spec.target.classes}
    elif spec.task_type == TaskType.MULTILABEL:
        stats["train_label_rates"] = {c: round4(train[c].mean()) for c in target_cols}
    elif spec.task_type == TaskType.MULTI_TARGET:
        stats["train_target_means"] = {c: round4(train[c].mean()) for c in target_cols}
        if rule.structure is not None:
            stats["structure_files"] = n_train + n_test
    else:
        stats["train_target_mean"] = round4(train[target_cols[0]].mean())
    return SynthesisResult(folder=folder, n_train=n_train, n_test=n_test, stats=stats)
