"""The time-series modality: forecasting a horizon after a history, with known exogenous drivers.

`rule` holds the hidden generating process (`SeriesRule`: trend, seasonalities, drivers, AR noise, outliers,
regime change), `drafter` draws it from a domain's series vocabulary, `synthesizer` writes the history and the
horizon, `ladder` writes the forecasting scripts. `KIT` is what the registry sees.

Imports: `sandmle_core.modalities.base`, the shared vocabulary, and its own modules (the heavy ones when used).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sandmle_core.modalities.base import Draft, DraftContext, ModalityKit, SynthesisResult
from sandmle_core.modalities.time_series.rule import SeriesRule
from sandmle_core.spec import Challenge, ColumnKind, Modality, TaskType

if TYPE_CHECKING:
    import pandas as pd

    from sandmle_core.catalog.schema import Domain
    from sandmle_core.envfolder import EnvFolder
    from sandmle_core.ladder import LadderConfig, LadderScript
    from sandmle_core.profile import FeatureProfile
    from sandmle_core.taskspec import TaskSpec

__all__ = ["DATE_COLUMN", "ID_COLUMN", "KIT", "SeriesKit"]

DATE_COLUMN = "date"
ID_COLUMN = "id"
_STEP_NOUN = {"H": "hour", "D": "day", "W": "week", "M": "month"}


class SeriesKit(ModalityKit):
    """One series: a dated history with drivers (train.csv) and the horizon to forecast (test.csv)."""

    modality = Modality.TIME_SERIES
    rule_model = SeriesRule
    test_rows = (20, 60)
    extra_challenges = (Challenge.REGIME_CHANGE, Challenge.OUTLIERS, Challenge.NONLINEARITY)
    ladder_column = ("date_column", ColumnKind.DATETIME)
    task_type = TaskType.FORECASTING

    def detects(self, kinds: Sequence[str]) -> bool:
        return "datetime" in kinds and len(kinds) <= 4  # a date and a few drivers

    def profile_details(self, train: pd.DataFrame, public: Sequence[FeatureProfile], n_test: int) -> dict[str, Any]:
        import pandas as pd

        col = next((f.name for f in public if f.kind == "datetime"), None)
        if not col:
            return {}
        dates = pd.to_datetime(train[col], errors="coerce").dropna().sort_values()
        step = dates.diff().median()
        return {"date_column": col, "step_days": round(step / pd.Timedelta(days=1), 4), "horizon": n_test}

    def hosts(self, domain: Domain, task_type: TaskType, min_classes: int) -> bool:
        return domain.series is not None and task_type == TaskType.FORECASTING

    def row_entity(self, domain: Domain) -> str:
        return _STEP_NOUN[domain.series.frequency] if domain.series is not None else domain.entity

    def draft(self, ctx: DraftContext) -> Draft:
        from sandmle_core.modalities.time_series.drafter import draft

        return draft(ctx)

    def synthesize(self, spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
                   n_test: int | None = None) -> SynthesisResult:
        from sandmle_core.modalities.time_series.synthesizer import synthesize

        return synthesize(spec, folder, n_train=n_train, n_test=n_test)

    def ladder(self, config: LadderConfig) -> list[LadderScript]:
        from sandmle_core.modalities.time_series.ladder import scripts

        return scripts(config)

    def row_noun(self, spec: TaskSpec) -> str:
        return "one time step of the series"

    def data_files(self, spec: TaskSpec, files: list[str]) -> list[str]:
        horizon = (f"- `test.csv` — the next {spec.n_test} time steps after the end of `train.csv` (the forecast "
                   "horizon), with the known drivers but without the target.")
        return [files[0], horizon, *files[2:]]


KIT = SeriesKit()
