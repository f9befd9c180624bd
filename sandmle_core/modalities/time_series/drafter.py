"""Drafting a forecasting environment: a domain's series vocabulary → public columns and a hidden `SeriesRule`.

`draft` turns a catalog domain's series vocabulary (quantity, unit, frequency, level, drivers) into public columns —
`date` plus 0–3 exogenous drivers that are known for the horizon too — and a hidden `SeriesRule`: a linear or damped
trend, one or two calendar seasonalities, driver effects (one maybe non-linear), AR(1) noise growing with difficulty,
and, when those challenges are drawn, outlier spikes and a regime change (a level shift inside the history).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sandmle_core.errors import SpecError
from sandmle_core.modalities.base import Draft, DraftContext, headline
from sandmle_core.modalities.time_series.rule import DriverEffect, SeasonalTerm, SeriesRule
from sandmle_core.spec import Challenge, ColumnKind, ColumnSpec, TargetSpec

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import FeatureTemplate

__all__ = ["DATE_COLUMN", "ID_COLUMN", "draft"]

DATE_COLUMN = "date"
ID_COLUMN = "id"

_FREQ_WORD = {"H": "hourly", "D": "daily", "W": "weekly", "M": "monthly"}
_PERIODS = {"daily": 1.0, "weekly": 7.0, "yearly": 365.2425}



def _r(value: float, digits: int = 4) -> float:
    """A plain float rounded for the rule (compact JSON, stable hash)."""
    return round(float(value), digits)


def _normalized(weights: list[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


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
    title = f"{ctx.domain.title}: Forecasting {headline(vocab.description)}"
    return Draft(id_column=ID_COLUMN, columns=tuple(columns), target=target, rule=rule, title=title)
