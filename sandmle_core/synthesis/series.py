"""Time-series forecasting environments: a history with known covariates, and a horizon to forecast.

`draft` turns a catalog domain's series vocabulary (quantity, unit, frequency, level, drivers) into public columns —
`date` plus 0–3 exogenous drivers that are known for the horizon too — and a hidden `SeriesRule`: a linear or damped
trend, one or two calendar seasonalities, driver effects (one maybe non-linear), AR(1) noise growing with difficulty,
and, when those challenges are drawn, outlier spikes and a regime change (a level shift inside the history).

`synthesize` writes the history (train.csv: id, date, drivers, target) and the horizon (test.csv: id, date, drivers),
the horizon's answers and the oracle forecast (the noise-free value of the rule). Dates are ISO strings (`YYYY-MM-DD`,
hourly `YYYY-MM-DD HH:MM`), built with numpy so a history of any length works (years 1800–9999).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sandmle_core.errors import SpecError
from sandmle_core.rules.series import DriverEffect, SeasonalTerm, SeriesRule
from sandmle_core.spec import Challenge, ColumnKind, ColumnSpec, TargetSpec
from sandmle_core.synthesis.base import Draft, DraftContext, SynthesisResult, stream
from sandmle_core.taskspec import TaskSpec

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import FeatureTemplate

__all__ = ["DATE_COLUMN", "ID_COLUMN", "draft", "synthesize"]

DATE_COLUMN = "date"
ID_COLUMN = "id"
ORACLE_DECIMALS = 4
_FREQ_WORD = {"H": "hourly", "D": "daily", "W": "weekly", "M": "monthly"}
_STEP = {"H": np.timedelta64(1, "h"), "D": np.timedelta64(1, "D"), "W": np.timedelta64(7, "D")}
_PERIODS = {"daily": 1.0, "weekly": 7.0, "yearly": 365.2425}
_EARLIEST = np.datetime64("1800-01-01", "s")
_LATEST = np.datetime64("9999-12-31T23:00", "s")


def _r(value: float, digits: int = 4) -> float:
    """A plain float rounded for the rule (compact JSON, stable hash)."""
    return round(float(value), digits)


def _seasonal_term(name: str, rng: np.random.Generator, amplitude: float, harmonics: int) -> SeasonalTerm:
    """A seasonality whose higher harmonics decay, with random phases."""
    amps = [amplitude * (rng.uniform(0.25, 0.55) ** k) for k in range(harmonics)]
    phases = rng.uniform(0.0, 2 * np.pi, size=harmonics)
    return SeasonalTerm(name=name, period_days=_PERIODS[name], amplitudes=tuple(_r(a) for a in amps),
                        phases=tuple(_r(p) for p in phases))


def _seasonalities(frequency: str, rng: np.random.Generator, n_train: int) -> tuple[SeasonalTerm, ...]:
    """Calendar seasonalities that the frequency can show: daily(+weekly) for hourly data, weekly(+yearly) for daily
    data, yearly for weekly and monthly data. The second, longer one only when the history covers a whole cycle of
    it: a fraction of a yearly wave in 150 days of history is indistinguishable from trend and cannot be learnt."""
    if frequency == "H":
        terms = [_seasonal_term("daily", rng, rng.uniform(0.12, 0.3), 2)]
        if rng.random() < 0.5 and n_train >= 2 * 168:
            terms.append(_seasonal_term("weekly", rng, rng.uniform(0.03, 0.08), 1))
    elif frequency == "D":
        terms = [_seasonal_term("weekly", rng, rng.uniform(0.06, 0.15), 2)]
        if rng.random() < 0.6 and n_train >= 2 * 365:
            terms.append(_seasonal_term("yearly", rng, rng.uniform(0.04, 0.12), 1))
    else:
        terms = [_seasonal_term("yearly", rng, rng.uniform(0.06, 0.16), int(rng.integers(1, 3)) + (frequency == "W"))]
    return tuple(terms)


def _driver(template: FeatureTemplate, rng: np.random.Generator, nonlinear: bool) -> DriverEffect:
    """The generating process and the effect of one driver column (effects relative to the target's level)."""
    sign = 1.0 if rng.random() < 0.6 else -1.0
    common = {"column": template.name, "kind": template.kind, "persistence": _r(rng.uniform(0.7, 0.97))}
    if template.kind == "categorical":
        levels = tuple(template.levels or ())
        effects = rng.normal(0.0, 0.07, size=len(levels))
        return DriverEffect(**common, levels=levels, shape="levels",
                            level_effects=tuple(_r(e) for e in effects - effects.mean()))
    low, high = float(template.low or 0.0), float(template.high or 1.0)
    if template.kind == "integer" and low == 0.0 and high == 1.0:
        return DriverEffect(**common, low=0.0, high=1.0, shape="event", event_rate=_r(rng.uniform(0.03, 0.09)),
                            coef=_r(sign * rng.uniform(0.08, 0.2)))
    seasonal = _r(rng.uniform(0.3, 0.8)) if rng.random() < 0.5 else 0.0
    if nonlinear:
        shape = "quadratic" if rng.random() < 0.5 else "hinge"
        return DriverEffect(**common, low=low, high=high, seasonal=seasonal, shape=shape,
                            coef=_r(sign * rng.uniform(0.12, 0.25)), knot=_r(rng.uniform(-0.2, 0.3)))
    return DriverEffect(**common, low=low, high=high, seasonal=seasonal, shape="linear",
                        coef=_r(sign * rng.uniform(0.05, 0.12)))


def _end_date(frequency: str, rng: np.random.Generator) -> str:
    """The last history date: a recent day (the first of a month for monthly data)."""
    year = int(rng.integers(2014, 2024))
    if frequency == "M":
        return f"{year:04d}-{int(rng.integers(1, 13)):02d}-01"
    day = np.datetime64(f"{year:04d}-01-01") + np.timedelta64(int(rng.integers(0, 365)), "D")
    return str(day)


def draft(ctx: DraftContext) -> Draft:
    """Draft the public schema and the hidden rule of a forecasting environment.

    Raises:
        SpecError: when the domain has no series vocabulary.
    """
    vocab = ctx.domain.series
    if vocab is None:
        raise SpecError(f"domain {ctx.domain.key!r} has no series vocabulary")
    rng, d = ctx.rng, float(ctx.difficulty)
    challenges = set(ctx.challenges)
    templates = [t for t in vocab.drivers if t.name not in (DATE_COLUMN, ID_COLUMN, vocab.quantity)]
    n_drivers = int(rng.choice(np.arange(min(3, len(templates)) + 1),
                               p=_normalized([0.15, 0.3, 0.35, 0.2][: min(3, len(templates)) + 1])))
    nonlinear = Challenge.NONLINEARITY in challenges
    if nonlinear:
        n_drivers = max(n_drivers, 1)
    chosen = sorted(rng.choice(len(templates), size=n_drivers, replace=False).tolist()) if n_drivers else []
    numeric = [i for i in chosen if templates[i].kind != "categorical"
               and not (templates[i].kind == "integer" and templates[i].low == 0 and templates[i].high == 1)]
    bent = int(rng.choice(numeric)) if numeric and (nonlinear or rng.random() < 0.15) else None
    drivers = tuple(_driver(templates[i], rng, nonlinear=i == bent) for i in chosen)

    level = float(vocab.level) * rng.uniform(0.8, 1.25)
    level = float(f"{level:.3g}")
    decimals = int(np.clip(2 - np.floor(np.log10(level)), 0, 3))
    damped = rng.random() < 0.3 + 0.4 * d
    magnitude = rng.uniform(0.05, 0.35)
    slope = magnitude if rng.random() < 0.65 else -min(magnitude, 0.2)
    shift_at, shift_size = None, 0.0
    if Challenge.REGIME_CHANGE in challenges:
        shift_at = _r(rng.uniform(0.55, 0.85))
        shift_size = _r((1.0 if rng.random() < 0.5 else -1.0) * rng.uniform(0.08, 0.2))
    outliers = Challenge.OUTLIERS in challenges
    rule = SeriesRule(
        frequency=vocab.frequency,
        end=_end_date(vocab.frequency, rng),
        level=level,
        decimals=decimals,
        floor=0.0,
        trend="damped" if damped else "linear",
        slope=_r(slope),
        damping=_r(rng.uniform(0.25, 0.8)) if damped else 1.0,
        seasonalities=_seasonalities(vocab.frequency, rng, ctx.n_train),
        drivers=drivers,
        noise_scale=_r((0.008 + 0.04 * d) * rng.uniform(0.8, 1.25)),
        noise_ar=_r(rng.uniform(0.1, 0.5)),
        outlier_rate=_r(rng.uniform(0.01, 0.04)) if outliers else 0.0,
        outlier_scale=_r(rng.uniform(0.2, 0.5)) if outliers else 0.0,
        shift_at=shift_at,
        shift_size=shift_size,
    )
    by_name = {t.name: t for t in templates}
    columns = [ColumnSpec(name=DATE_COLUMN, kind=ColumnKind.DATETIME,
                          description=f"{_FREQ_WORD[vocab.frequency]} timestamp (ISO 8601)")]
    for effect in drivers:
        t = by_name[effect.column]
        kind = {"numeric": ColumnKind.NUMERIC, "integer": ColumnKind.INTEGER,
                "categorical": ColumnKind.CATEGORICAL}[t.kind]
        columns.append(ColumnSpec(name=t.name, kind=kind, unit=t.unit, levels=t.levels,
                                  description=f"{t.description} (known in advance, also for the forecast horizon)"))
    target = TargetSpec(columns=(vocab.quantity,), description=vocab.description, unit=vocab.unit)
    title = f"{ctx.domain.title}: {_FREQ_WORD[vocab.frequency]} {vocab.quantity.replace('_', ' ')} forecast"
    return Draft(id_column=ID_COLUMN, columns=tuple(columns), target=target, rule=rule, title=title)


def _normalized(weights: list[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


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


def synthesize(spec: TaskSpec, out_dir: Path, *, n_train: int | None = None, n_test: int | None = None
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
                                       stream(spec.rng_seed, "synth", "driver", effect.column))
        frame[effect.column] = values
        relative = relative + delta

    expected = np.maximum(rule.level * (1.0 + relative), rule.floor)
    noise_rng = stream(spec.rng_seed, "synth", "noise")
    noise = rule.noise_scale * _ar1(noise_rng.standard_normal(n), rule.noise_ar)
    spikes = np.zeros(n)
    if rule.outlier_rate > 0:
        out_rng = stream(spec.rng_seed, "synth", "outliers")
        hit = out_rng.random(n) < rule.outlier_rate
        signs = np.where(out_rng.random(n) < 0.5, -1.0, 1.0)
        spikes = hit * signs * rule.outlier_scale * out_rng.uniform(0.6, 1.4, size=n)
    observed = np.round(np.maximum(expected + rule.level * (noise + spikes), rule.floor), rule.decimals)
    if rule.decimals == 0:
        observed = observed.astype(np.int64)
    frame[target] = observed

    prepared = Path(out_dir) / "prepared"
    public, private = prepared / "public", prepared / "private"
    public.mkdir(parents=True, exist_ok=True)
    private.mkdir(parents=True, exist_ok=True)
    train, test = frame.iloc[:n_tr], frame.iloc[n_tr:]
    train.to_csv(public / "train.csv", index=False)
    test.drop(columns=[target]).to_csv(public / "test.csv", index=False)
    test[[id_col, target]].to_csv(private / "answers.csv", index=False)
    oracle = pd.DataFrame({id_col: test[id_col].to_numpy(),
                           spec.grading.submission_columns[0]: np.round(expected[n_tr:], ORACLE_DECIMALS)})
    oracle.to_csv(private / "oracle_submission.csv", index=False)

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
    return SynthesisResult(public_dir=public, private_dir=private, n_train=n_tr, n_test=n_te, stats=stats)
