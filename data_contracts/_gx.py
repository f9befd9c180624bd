"""The great-expectations runtime: a quiet, cached, ephemeral context and suite validation on DataFrames.

great-expectations takes seconds to import, so nothing here is imported before it is needed, and the context that
checks run in is created once per process and reused (behind a lock: Prefect may run tasks in threads). Progress
bars and usage analytics are turned off. Data Docs use a context of their own (`new_context`), so that the site
shows only the validations it was built for.

Most of a validation's CPU went to GX recomputing an expectation's `configuration` (a pydantic `.dict()` of every
keyword, id lists included, then a new `ExpectationConfiguration`) once per keyword it looks up — about 80 times per
expectation and validation. While `validate_frame` runs, each expectation object computes it once
(`_memoized_configurations`); the memo holds the object and its field values, so it answers only for that very object
with those very fields, and it is emptied when the validation ends. Outside `validate_frame` GX is untouched.

Much of the rest went to GX's `convert_to_json_serializable`, which every metric's id runs through (an md5 of the
JSON of its keywords, many of them None, and id lists in the set expectations): a None or a plain string ran a dozen
isinstance tests and three `np.issubdtype` calls before GX returned it unchanged. `_install_plain_json` makes it
return plain values (None, exact str/int/bool/float, and exact lists, tuples, sets and dicts of them) itself, as GX
would, and hand everything else to GX's function. And GX built a new expectation object from the same configuration
once per metric it asked for, each computing its configuration again: `_install_domain_memo` builds it once per
configuration object while `validate_frame` runs.
"""

from __future__ import annotations

import logging
import math
import operator
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd
from sandmle.data_contracts.suites import Expect

__all__ = ["LOCK", "build_suite", "new_context", "validate_frame"]

LOCK = threading.RLock()
RESULT_FORMAT: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": 20}
_STATE: dict[str, Any] = {}
_MEMO = threading.local()  # .configs: {id(expectation): (expectation, its field values, configuration)} or None;
# .domains: {id(configuration): (configuration, its state, expectation built, that one's field values)} or None


def _gx() -> Any:
    """Import great_expectations with analytics off and its loggers at WARNING."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    _install_configuration_memo()
    _install_plain_json()
    return gx


def _install_plain_json() -> None:
    """Route GX's `convert_to_json_serializable` through `_plain_json`, which answers plain values without it.

    GX's own function calls itself by its module's name for the items of a list or dict, so those items take the
    plain path too; modules that imported the function by name call GX's for the outer value only."""
    import great_expectations.util as gx_util

    original = gx_util.convert_to_json_serializable
    if getattr(original, "sandmle_plain", False):
        return
    scalars = (str, int, bool)

    def plain_json(data: Any) -> Any:
        kind = type(data)
        if data is None or kind in scalars:
            return data
        if kind is float:  # GX: NaN → None, every other float as it is
            return None if math.isnan(data) else data
        if kind is list or kind is tuple or kind is set:
            return [plain_json(v) for v in data]
        if kind is dict:
            return {str(k): plain_json(v) for k, v in data.items()}
        return original(data)

    plain_json.sandmle_plain = True  # type: ignore[attr-defined]
    plain_json.gx_original = original  # type: ignore[attr-defined]  # (the tests compare the two)
    gx_util.convert_to_json_serializable = plain_json


def _install_configuration_memo() -> None:
    """Give GX's `Expectation.configuration` a memo that is active only inside `_memoized_configurations`."""
    from great_expectations.expectations.expectation import Expectation

    original = Expectation.__dict__["configuration"]
    if getattr(original.fget, "sandmle_memo", False):
        return

    def configuration(self: Any) -> Any:
        memo = getattr(_MEMO, "configs", None)
        if memo is None:
            return original.fget(self)
        fields = tuple(self.__dict__.values())
        hit = memo.get(id(self))
        if hit is not None and hit[0] is self and _same(hit[1], fields):
            return hit[2]
        config = original.fget(self)
        memo[id(self)] = (self, fields, config)
        return config

    memoized = property(configuration, doc=original.__doc__)
    memoized.fget.sandmle_memo = True  # type: ignore[attr-defined]
    Expectation.configuration = memoized
    _install_domain_memo()


def _install_domain_memo() -> None:
    """Give GX's `ExpectationConfiguration.to_domain_obj` a memo that is active only inside
    `_memoized_configurations`: GX builds a new expectation object from the same configuration once per metric it
    asks for (`registry.get_metric_kwargs`, ~7 per expectation), and that new object computes its `configuration`
    again. The memo answers with the object it built for this very configuration object, while neither the
    configuration (its fields and each of its keywords) nor that object (its field values) changed since."""
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    original = ExpectationConfiguration.to_domain_obj
    if getattr(original, "sandmle_memo", False):
        return

    def to_domain_obj(self: Any) -> Any:
        memo = getattr(_MEMO, "domains", None)
        if memo is None:
            return original(self)
        state = (*self.__dict__.values(), *self.kwargs.keys(), *self.kwargs.values())
        hit = memo.get(id(self))
        if hit is not None and hit[0] is self and _same(hit[1], state) \
                and _same(hit[3], tuple(hit[2].__dict__.values())):
            return hit[2]
        built = original(self)
        memo[id(self)] = (self, state, built, tuple(built.__dict__.values()))
        return built

    to_domain_obj.sandmle_memo = True  # type: ignore[attr-defined]
    ExpectationConfiguration.to_domain_obj = to_domain_obj


def _same(before: tuple[Any, ...], now: tuple[Any, ...]) -> bool:
    """The same objects, one by one (identity, not equality: 1 == 1.0 == True are different keywords to GX)."""
    return len(before) == len(now) and all(map(operator.is_, before, now))


@contextmanager
def _memoized_configurations() -> Iterator[None]:
    """Within the block, this thread's expectation objects compute their `configuration` once each, and each
    configuration object builds its expectation object once."""
    _MEMO.configs, _MEMO.domains = {}, {}
    try:
        yield
    finally:
        _MEMO.configs = _MEMO.domains = None


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
        with _memoized_configurations():
            result = batch.validate(suite, result_format=RESULT_FORMAT)
    return sorted(result.results, key=lambda r: r.expectation_config.meta["order"])
