"""Synthesizing a forecasting environment: the history with its drivers, and the horizon to forecast.

`synthesize` writes the history (train.csv: id, date, drivers, target) and the horizon (test.csv: id, date, drivers),
the horizon's answers and the oracle forecast (the noise-free value of the rule). Dates are ISO strings (`YYYY-MM-DD`,
hourly `YYYY-MM-DD HH:MM`), built with numpy so a history of any length works (years 1800–9999). Every draw comes
from the slot's streams (`SlotStreams`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SpecError
from sandmle_core.modalities.base import SynthesisResult
from sandmle_core.modalities.time_series.drafter import DATE_COLUMN
from sandmle_core.modalities.time_series.rule import DriverEffect, SeasonalTerm, SeriesRule
from sandmle_core.slots import SlotStreams

if TYPE_CHECKING:
    from sandmle_core.taskspec import TaskSpec

__all__ = ["synthesize"]

ORACLE_DECIMALS = 4
_STEP = {"H": np.timedelta64(1, "h"), "D": np.timedelta64(1, "D"), "W": np.timedelta64(7, "D")}
_EARLIEST = np.datetime64("1800-01-01", "s")
_LATEST = np.datetime64("9999-12-31T23:00", "s")


def _timestamps(rule: SeriesRule, n_train: int, n_test: int) -> np.ndarray:
    """The n_train history dates ending at rule.end, then the n_test horizon dates (datetime64[s]).

    A history that would start before 1800 is moved forward, whole steps at a time (weekdays are kept).

    Raises:
        SpecError: when the series would run past the year 9999.
    """
    n = n_train + n_test
    offsets = np.arange(n, dtype=np.int64) - (n_train - 1)
    if rule.frequency == "M":
        months = np.datetime64(rule.end, "M").astype(np.int64) + offsets
        first = np.datetime64(int(months[0]), "M").astype("datetime64[s]")
        if first < _EARLIEST:
            months += int(_EARLIEST.astype("datetime64[M]").astype(np.int64) - months[0])
        stamps = months.astype("datetime64[M]").astype("datetime64[s]")
    else:
        step = _STEP[rule.frequency].astype("timedelta64[s]")
        end = np.datetime64(rule.end, "s") + (np.timedelta64(23, "h") if rule.frequency == "H" else 0)
        start = end + offsets[0] * step
        if start < _EARLIEST:
            end = end + int(np.ceil((_EARLIEST - start) / step)) * step
        stamps = end + offsets * step
    if stamps[-1] > _LATEST:
        raise SpecError(f"a {rule.frequency} series of {n} rows does not fit in the years 1800–9999")
    return stamps


def _ar1(innovations: np.ndarray, phi: float) -> np.ndarray:
    """A stationary AR(1) path with unit marginal variance driven by standard-normal innovations."""
    out = np.empty_like(innovations)
    scale = np.sqrt(1.0 - phi * phi)
    prev = innovations[0]
    out[0] = prev
    for i in range(1, len(innovations)):
        prev = phi * prev + scale * innovations[i]
        out[i] = prev
    return out


def _seasonal(term: SeasonalTerm, days: np.ndarray) -> np.ndarray:
    angle = 2 * np.pi * days / term.period_days
    out = np.zeros_like(days)
    for k, (amplitude, phase) in enumerate(zip(term.amplitudes, term.phases, strict=True)):
        out += amplitude * np.sin((k + 1) * angle + phase)
    return out


def _driver_values(effect: DriverEffect, days: np.ndarray, period: float, phase: float,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The public values of a driver and its effect on the target (relative to the level)."""
    n = len(days)
    if effect.shape == "event":
        x = (rng.random(n) < effect.event_rate).astype(np.int64)
        return x, effect.coef * x
    z = _ar1(rng.standard_normal(n), effect.persistence)
    if effect.seasonal > 0:
        z = effect.seasonal * np.sqrt(2.0) * np.sin(2 * np.pi * days / period + phase) + \
            np.sqrt(1.0 - effect.seasonal**2) * z
    squashed = (np.tanh(0.6 * z) + 1.0) / 2.0  # in (0, 1)
    if effect.shape == "levels":
        levels = effect.levels or ()
        idx = np.minimum((squashed * len(levels)).astype(np.int64), len(levels) - 1)
        return np.asarray(levels, dtype=object)[idx], np.asarray(effect.level_effects)[idx]
    x = effect.low + (effect.high - effect.low) * squashed
    # integer drivers are written as integers ("1748", not "1748.0"): the data contracts check the type
    x = np.round(x).astype(np.int64) if effect.kind == "integer" else np.round(
        x, 2 if effect.high - effect.low <= 100 else 1)
    s = (x - (effect.low + effect.high) / 2) / ((effect.high - effect.low) / 2)
    if effect.shape == "quadratic":
        return x, effect.coef * (s * s - 1.0 / 3.0)
    if effect.shape == "hinge":
        return x, effect.coef * np.maximum(0.0, s - effect.knot)
    return x, effect.coef * s


def _trend(rule: SeriesRule, u: np.ndarray) -> np.ndarray:
    if rule.trend == "damped":
        return rule.slope * rule.damping * (1.0 - np.exp(-u / rule.damping))
    return rule.slope * u


def synthesize(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None, n_test: int | None = None
               ) -> SynthesisResult:
    """Write the history, the horizon, the answers and the oracle forecast of a forecasting environment.

    Raises:
        SpecError: when the spec does not hold a series rule, or the sizes are not usable.
    """
    rule = spec.rule
    if not isinstance(rule, SeriesRule):
        raise SpecError(f"series synthesis needs a series rule, got {rule.kind!r}")
    n_tr = spec.n_train if n_train is None else int(n_train)
    n_te = spec.n_test if n_test is None else int(n_test)
    if n_tr < 2 or n_te < 1:
        raise SpecError(f"a series needs at least 2 history rows and 1 horizon row, got {n_tr} and {n_te}")
    target = spec.target.columns[0]
    id_col = spec.grading.id_column
    n = n_tr + n_te
    streams = SlotStreams.of(spec)
    stamps = _timestamps(rule, n_tr, n_te)
    days = (stamps - np.datetime64("1970-01-01", "s")) / np.timedelta64(1, "D")
    u = np.arange(n, dtype=float) / n_tr

    relative = _trend(rule, u)
    for term in rule.seasonalities:
        relative = relative + _seasonal(term, days)
    if rule.shift_at is not None:
        relative = relative + rule.shift_size * (u >= rule.shift_at)
    longest = max(rule.seasonalities, key=lambda t: t.period_days)
    frame = pd.DataFrame({id_col: np.arange(n, dtype=np.int64)})
    text = np.datetime_as_string(stamps, unit="m" if rule.frequency == "H" else "D")
    frame[DATE_COLUMN] = np.char.replace(text.astype(str), "T", " ") if rule.frequency == "H" else text
    for effect in rule.drivers:
        values, delta = _driver_values(effect, days, longest.period_days, longest.phases[0],
                                       streams("synth", "driver", effect.column))
        frame[effect.column] = values
        relative = relative + delta

    expected = np.maximum(rule.level * (1.0 + relative), rule.floor)
    noise_rng = streams("synth", "noise")
    noise = rule.noise_scale * _ar1(noise_rng.standard_normal(n), rule.noise_ar)
    spikes = np.zeros(n)
    if rule.outlier_rate > 0:
        out_rng = streams("synth", "outliers")
        hit = out_rng.random(n) < rule.outlier_rate
        signs = np.where(out_rng.random(n) < 0.5, -1.0, 1.0)
        spikes = hit * signs * rule.outlier_scale * out_rng.uniform(0.6, 1.4, size=n)
    observed = np.round(np.maximum(expected + rule.level * (noise + spikes), rule.floor), rule.decimals)
    if rule.decimals == 0:
        observed = observed.astype(np.int64)
    frame[target] = observed

    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    train, test = frame.iloc[:n_tr], frame.iloc[n_tr:]
    train.to_csv(folder.train, index=False)
    test.drop(columns=[target]).to_csv(folder.test, index=False)
    test[[id_col, target]].to_csv(folder.answers, index=False)
    oracle = pd.DataFrame({id_col: test[id_col].to_numpy(),
                           spec.grading.submission_columns[0]: np.round(expected[n_tr:], ORACLE_DECIMALS)})
    oracle.to_csv(folder.oracle_submission, index=False)

    history = observed[:n_tr].astype(float)
    stats = {
        "frequency": rule.frequency,
        "first_date": str(frame[DATE_COLUMN].iloc[0]),
        "last_history_date": str(frame[DATE_COLUMN].iloc[n_tr - 1]),
        "last_horizon_date": str(frame[DATE_COLUMN].iloc[-1]),
        "n_drivers": len(rule.drivers),
        "target_mean": round(float(history.mean()), 4),
        "target_std": round(float(history.std()), 4),
        "target_min": round(float(history.min()), 4),
        "target_max": round(float(history.max()), 4),
        "n_outliers": int(np.count_nonzero(spikes)),
        "shift_row": None if rule.shift_at is None else int(np.argmax(u >= rule.shift_at)),
    }
    return SynthesisResult(folder=folder, n_train=n_tr, n_test=n_te, stats=stats)
