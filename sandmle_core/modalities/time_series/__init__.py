"""The time-series modality: forecasting a horizon after a history, with known exogenous drivers.

`rule` holds the hidden generating process (`SeriesRule`: trend, seasonalities, drivers, AR noise, outliers,
regime change), `drafter` draws it from a domain's series vocabulary, `synthesizer` writes the history and the
horizon, `ladder` writes the forecasting scripts. `KIT` is what the registry sees.

Imports: `sandmle_core.modalities.base`, the shared vocabulary, and its own modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from sandmle_core.modalities.base import ModalityKit, framing_variant
from sandmle_core.modalities.time_series import drafter, ladder, synthesizer
from sandmle_core.modalities.time_series.drafter import DATE_COLUMN, ID_COLUMN
from sandmle_core.modalities.time_series.rule import SeriesRule
from sandmle_core.spec import Challenge, ColumnKind, Modality, TaskType

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import Domain
    from sandmle_core.profile import FeatureProfile
    from sandmle_core.taskspec import TaskSpec

__all__ = ["DATE_COLUMN", "ID_COLUMN", "KIT"]

_STEP_NOUN = {"H": "hour", "D": "day", "W": "week", "M": "month"}


def _detects(kinds: Sequence[str]) -> bool:
    return "datetime" in kinds and len(kinds) <= 4  # a date and a few drivers


def _hosts(domain: Domain, task_type: TaskType, min_classes: int) -> bool:
    return domain.series is not None and task_type == TaskType.FORECASTING


def _profile_details(train: pd.DataFrame, public: Sequence[FeatureProfile], n_test: int) -> dict[str, Any]:
    col = next((f.name for f in public if f.kind == "datetime"), None)
    if not col:
        return {}
    dates = pd.to_datetime(train[col], errors="coerce").dropna().sort_values()
    step = dates.diff().median()
    return {"date_column": col, "step_days": round(step / pd.Timedelta(days=1), 4), "horizon": n_test}


def _row_entity(domain: Domain) -> str:
    return _STEP_NOUN[domain.series.frequency] if domain.series is not None else domain.entity


def _row_noun(spec: TaskSpec) -> str:
    return "one time step of the series"


def _data_files(spec: TaskSpec, files: list[str]) -> list[str]:
    horizon = (f"- `test.csv` — the next {spec.n_test} time steps after the end of `train.csv` (the forecast horizon), "
               "with the known drivers but without the target.")
    return [files[0], horizon, *files[2:]]


def _story(domain: Domain) -> str:
    """A forecasting framing: the series' own history and the drivers known in advance (forecasts, calendars,
    plans), never the tabular story's per-entity records, nor its purpose, which is about another prediction ("so
    that the renewal budget goes to the pipes most likely to fail" for a forecast of water demand, before
    2026-12-05)."""
    org = domain.organisation
    purpose = domain.series.purpose if domain.series is not None else domain.purpose
    step = _STEP_NOUN.get(domain.series.frequency, "period") if domain.series is not None else "period"
    if framing_variant(domain, 2) == 0:
        return (f"{org} wants to forecast {{target}} over the coming {step}s from the series' own history and the "
                f"drivers it knows in advance, so that {purpose}.")
    return (f"{org} plans {step} by {step} and needs a forecast of {{target}} for the coming {step}s, made from the "
            f"series' history and the drivers known in advance (forecasts, calendars, plans), so that {purpose}.")


KIT = ModalityKit.assemble(
    drafter, synthesizer, ladder, modality=Modality.TIME_SERIES, rule_model=SeriesRule, test_rows=(20, 60),
    extra_challenges=(Challenge.REGIME_CHANGE, Challenge.OUTLIERS, Challenge.NONLINEARITY), detects=_detects,
    hosts=_hosts, ladder_column=("date_column", ColumnKind.DATETIME), task_type=TaskType.FORECASTING,
    profile_details=_profile_details, row_entity=_row_entity, row_noun=_row_noun, data_files=_data_files,
    story_template=_story)
