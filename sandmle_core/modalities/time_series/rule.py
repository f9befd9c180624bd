"""The hidden rule of a time-series (forecasting) environment.

The target is `level * (1 + trend + seasonality + driver effects + level shift) + level * (AR(1) noise + outliers)`,
clipped at `floor` and rounded to `decimals`. Every effect is relative to `level`, so one rule is meaningful for any
quantity scale. The trend runs in units of the training span (u = row index / n_train: 0 at the first history row,
1 at the end of the history), so a history of 50 or 50,000 rows sees the same overall change; seasonalities run in
calendar time (days since 1970-01-01), so they stay tied to the dates. The noise-free part is the oracle forecast.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["DriverEffect", "SeasonalTerm", "SeriesRule"]


class SeasonalTerm(BaseModel):
    """One seasonality: a Fourier series with period `period_days`; harmonic k has amplitudes[k-1], phases[k-1].

    The term is `sum_k amplitudes[k-1] * sin(2*pi*k*days/period_days + phases[k-1])` (relative to the level).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Literal["daily", "weekly", "yearly"]
    period_days: float = Field(gt=0)
    amplitudes: tuple[float, ...] = Field(min_length=1)
    phases: tuple[float, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _paired(self) -> SeasonalTerm:
        if len(self.amplitudes) != len(self.phases):
            raise ValueError("a seasonal term needs one phase per amplitude")
        return self


class DriverEffect(BaseModel):
    """One exogenous driver column: how its values are generated and how it moves the target.

    Attributes:
        column, kind, low, high, levels: the public column (from the catalog's driver template).
        persistence: AR(1) coefficient of the driver's latent path (smooth drivers are persistent).
        seasonal: weight of the primary seasonality in the driver's latent path (e.g. temperature is seasonal).
        event_rate: for 0/1 drivers, the share of rows where the event happens.
        shape: how the driver acts — "linear", "quadratic" or "hinge" on the scaled value s = (x - mid) / half-range,
            "event" (coef * x for a 0/1 driver), "levels" (level_effects[i] for categorical level i).
        coef: the effect size relative to the target's level.
        knot: the hinge's knee on the s scale (hinge only).
        level_effects: the per-level effects of a categorical driver.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    column: str
    kind: Literal["numeric", "integer", "categorical"]
    low: float = 0.0
    high: float = 1.0
    levels: tuple[str, ...] | None = None
    persistence: float = Field(ge=0.0, lt=1.0)
    seasonal: float = 0.0
    event_rate: float = 0.0
    shape: Literal["linear", "quadratic", "hinge", "event", "levels"]
    coef: float = 0.0
    knot: float = 0.0
    level_effects: tuple[float, ...] = ()


class SeriesRule(BaseModel):
    """The hidden generating process of one forecasting environment.

    Attributes:
        frequency: H (hourly), D (daily), W (weekly) or M (monthly, first of the month).
        end: the date of the last history row (the history runs back from it; moved when a long history would
            start before 1800).
        level, decimals, floor: the target's base level, its rounding and its lower clip (positivity).
        trend, slope, damping: "linear" (slope * u) or "damped" (slope * damping * (1 - exp(-u / damping))).
        seasonalities: the seasonal terms.
        drivers: the exogenous driver columns, in public column order.
        noise_scale, noise_ar: marginal standard deviation (relative to the level) and AR(1) coefficient of the noise.
        outlier_rate, outlier_scale: share of rows hit by a spike, and the spike's size relative to the level.
        shift_at, shift_size: a regime change — a level shift of shift_size (relative) from u = shift_at on.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["series"] = "series"
    frequency: Literal["H", "D", "W", "M"]
    end: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    level: float = Field(gt=0)
    decimals: int = Field(ge=0, le=6)
    floor: float = 0.0
    trend: Literal["linear", "damped"]
    slope: float
    damping: float = Field(default=1.0, gt=0)
    seasonalities: tuple[SeasonalTerm, ...] = Field(min_length=1)
    drivers: tuple[DriverEffect, ...] = ()
    noise_scale: float = Field(ge=0)
    noise_ar: float = Field(ge=0.0, lt=1.0)
    outlier_rate: float = Field(default=0.0, ge=0.0, le=0.5)
    outlier_scale: float = Field(default=0.0, ge=0.0)
    shift_at: float | None = None
    shift_size: float = 0.0
