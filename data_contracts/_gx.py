"""The great-expectations runtime: a quiet, cached, ephemeral context and suite validation on DataFrames.

great-expectations takes seconds to import, so nothing here is imported before it is needed, and the context that
checks run in is created once per process and reused (behind a lock: Prefect may run tasks in threads). Progress
bars and usage analytics are turned off. Data Docs use a context of their own (`new_context`), so that the site
shows only the validations it was built for.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sandmle.data_contracts.suites import Expect

__all__ = ["LOCK", "build_suite", "new_context", "validate_frame"]

LOCK = threading.RLock()
RESULT_FORMAT: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": 20}
_STATE: dict[str, Any] = {}


def _gx() -> Any:
    """Import great_expectations with analytics off and its loggers at WARNING."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    return gx


def new_context() -> Any:
    """A fresh ephemeral data context without progress bars."""
    gx = _gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    with LOCK:
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def _batch_definition() -> Any:
    """The process-wide whole-DataFrame batch definition the checks validate through."""
    with LOCK:
        if "batch_definition" not in _STATE:
            context = new_context()
            asset = context.data_sources.add_pandas(name="sandmle_contracts").add_dataframe_asset(name="artifact")
            _STATE["context"] = context
            _STATE["batch_definition"] = asset.add_batch_definition_whole_dataframe("whole_artifact")
        return _STATE["batch_definition"]


def build_suite(name: str, expectations: Sequence[Expect]) -> Any:
    """A GX `ExpectationSuite` named `name`; each expectation carries its position in `meta.order`.

    GX resolves an unsaved suite's store through the current project, so a context must exist (and does, once the
    cached one or a Data Docs context has been created).
    """
    gx = _gx()
    import great_expectations.expectations as gxe

    built = [getattr(gxe, e.kind)(**e.kwargs, notes=e.why or None, meta={"order": order})
             for order, e in enumerate(expectations)]
    suite = gx.ExpectationSuite(name=name, expectations=built)  # the constructor skips add_expectation's O(n²) dedup
    if len(suite.expectations) != len(built):
        raise RuntimeError(f"great-expectations dropped expectations of suite {name!r}")
    return suite


def validate_frame(frame: pd.DataFrame, name: str, expectations: Sequence[Expect]) -> list[Any]:
    """Validate `frame` against the expectations; the GX results, in the order the expectations were given."""
    with LOCK:
        definition = _batch_definition()
        suite = build_suite(name, expectations)
        batch = definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(suite, result_format=RESULT_FORMAT)
    return sorted(result.results, key=lambda r: r.expectation_config.meta["order"])
