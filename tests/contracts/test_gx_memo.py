"""The validation runtime's caches (`data_contracts._gx`): one context per process, and each expectation object's
`configuration` computed once while a validation runs. A cache must never answer for another schema, another
frame or a changed expectation: these tests validate several schemas in one process and plant violations after
cached runs."""

from __future__ import annotations

import pandas as pd
import pytest
from sandmle.data_contracts import _gx
from sandmle.data_contracts.suites import Expect

pytestmark = pytest.mark.slow  # imports great-expectations (seconds)

PEOPLE = [Expect("ExpectTableColumnsToMatchOrderedList", {"column_list": ["id", "age"]}, "columns"),
          Expect("ExpectColumnValuesToBeUnique", {"column": "id"}, "ids are unique"),
          Expect("ExpectColumnValuesToBeBetween", {"column": "age", "min_value": 0, "max_value": 120}, "an age")]
LABELS = [Expect("ExpectTableColumnsToMatchOrderedList", {"column_list": ["id", "label"]}, "columns"),
          Expect("ExpectColumnValuesToBeInSet", {"column": "label", "value_set": ["cat", "dog"]}, "a class"),
          Expect("ExpectColumnValuesToNotBeInSet", {"column": "id", "value_set": ["7", "8"]}, "not a train id")]


def _outcome(results: list) -> list[tuple[str, str | None, bool, object]]:
    return [(r.expectation_config.type, r.expectation_config.kwargs.get("column"), bool(r.success),
             (r.result or {}).get("partial_unexpected_list", (r.result or {}).get("observed_value")))
            for r in results]


def _unmemoized(frame: pd.DataFrame, name: str, expectations: list[Expect]) -> list:
    """The same validation through GX's own `configuration` (no memo)."""
    with _gx.LOCK:
        batch = _gx._batch_definition().get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(_gx.build_suite(name, expectations), result_format=_gx.RESULT_FORMAT)
    return sorted(result.results, key=lambda r: r.expectation_config.meta["order"])


def test_two_schemas_in_one_process_each_get_their_own_suite() -> None:
    people = pd.DataFrame({"id": ["1", "2", "3"], "age": [30, 40, 50]})
    labels = pd.DataFrame({"id": ["1", "2"], "label": ["cat", "dog"]})
    for _ in range(2):  # the second round runs on the cached context, batch definition and memo hook
        got_people = _outcome(_gx.validate_frame(people, "env.people", PEOPLE))
        got_labels = _outcome(_gx.validate_frame(labels, "env.labels", LABELS))
        assert [t for t, *_ in got_people] == ["expect_table_columns_to_match_ordered_list",
                                               "expect_column_values_to_be_unique",
                                               "expect_column_values_to_be_between"]
        assert [c for _, c, *_ in got_labels] == [None, "label", "id"]
        assert all(ok for _, _, ok, _ in got_people + got_labels)
    assert _gx._MEMO.configs is None  # the memo lives only while a validation runs


def test_a_planted_violation_is_caught_after_cached_runs() -> None:
    good = pd.DataFrame({"id": ["1", "2", "3"], "label": ["cat", "dog", "cat"]})
    assert all(ok for *_, ok, _ in _outcome(_gx.validate_frame(good, "env.labels", LABELS)))
    bad = good.assign(label=["cat", "bird", "cat"], id=["1", "7", "3"])  # a foreign class and a train id
    got = _outcome(_gx.validate_frame(bad, "env.labels", LABELS))
    assert got[1][2:] == (False, ["bird"]) and got[2][2:] == (False, ["7"])
    # same schema, other values in the expectations: the new set is used, not a cached one
    wider = [LABELS[0], Expect("ExpectColumnValuesToBeInSet", {"column": "label", "value_set": ["cat", "bird"]},
                               "a class"), LABELS[2]]
    assert _outcome(_gx.validate_frame(bad, "env.labels", wider))[1][2] is True
    assert _outcome(_gx.validate_frame(good, "env.labels", wider))[1][2:] == (False, ["dog"])


def test_memoized_results_equal_great_expectations_own() -> None:
    frames = [(pd.DataFrame({"id": ["1", "1", "3"], "age": [30, 140, None]}), "env.people", PEOPLE),
              (pd.DataFrame({"id": ["1", "8"], "label": ["cat", "cow"], "x": [1, 2]}), "env.labels", LABELS)]
    for frame, name, expectations in frames:
        fast = _gx.validate_frame(frame, name, expectations)
        plain = _unmemoized(frame, name, expectations)
        assert [r.to_json_dict() for r in fast] == [r.to_json_dict() for r in plain]
        assert not all(r.success for r in fast)


def test_the_memo_answers_only_for_the_same_object_with_the_same_fields() -> None:
    _gx._gx()  # installs the hook
    import great_expectations.expectations as gxe

    expectation = gxe.ExpectColumnValuesToBeInSet(column="label", value_set=["cat"])
    with _gx._memoized_configurations():
        first = expectation.configuration
        assert expectation.configuration is first  # computed once
        expectation.value_set = ["dog"]  # a changed field is seen
        assert expectation.configuration.kwargs["value_set"] == ["dog"]
        other = gxe.ExpectColumnValuesToBeInSet(column="label", value_set=["cat"])
        assert other.configuration is not first
    assert expectation.configuration is not expectation.configuration  # outside the block: GX's own, fresh each time


def test_a_changed_configuration_or_expectation_is_built_again() -> None:
    _gx._gx()  # installs the hooks
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    config = ExpectationConfiguration(type="expect_column_values_to_be_in_set",
                                      kwargs={"column": "label", "value_set": ["cat"]})
    with _gx._memoized_configurations():
        first = config.to_domain_obj()
        assert config.to_domain_obj() is first  # built once
        config.kwargs["value_set"] = ["cat", "dog"]  # a keyword changed in place is seen
        second = config.to_domain_obj()
        assert second is not first and list(second.value_set) == ["cat", "dog"]
        config.kwargs["mostly"] = 0.5  # so is a keyword added
        third = config.to_domain_obj()
        assert third is not second and third.mostly == 0.5
        third.mostly = 0.9  # the object handed out was changed: it is not handed out again
        fourth = config.to_domain_obj()
        assert fourth is not third and fourth.mostly == 0.5
        twin = ExpectationConfiguration(type="expect_column_values_to_be_in_set",
                                        kwargs={"column": "label", "value_set": ["cat"]})
        assert twin.to_domain_obj() is not first  # another configuration object, even an equal one
    assert config.to_domain_obj() is not config.to_domain_obj()  # outside the block: GX's own, fresh each time


PLAIN_VALUES = [None, "", "label", 0, -3, 2**70, True, False, 1.5, -0.0, float("nan"), float("inf"),
                [1, "a", None, [2.5, float("nan")]], (1, 2), {3}, {"a": [1, {"b": None}], 4: "x", None: 1.0},
                [], {}, "é\u2028"]


def test_plain_values_convert_as_great_expectations_converts_them(monkeypatch: pytest.MonkeyPatch) -> None:
    _gx._gx()
    import enum

    import great_expectations.util as gx_util
    import numpy as np

    class Kind(enum.StrEnum):  # a str subclass GX converts to its value: not a plain value
        A = "a"

    values = [*PLAIN_VALUES, np.float64(0.1), np.int64(7), np.bool_(True), np.array([1.0, np.nan]),
              [np.float32(0.30000001), Kind.A], {"k": (np.int32(1), pd.Timestamp("2026-12-03"))}, Kind.A,
              pd.Series([1, 2], name="s")]
    plain = gx_util.convert_to_json_serializable
    fast = [plain(v) for v in values]
    monkeypatch.setattr(gx_util, "convert_to_json_serializable", plain.gx_original)
    own = [plain.gx_original(v) for v in values]
    assert repr(fast) == repr(own)  # repr: NaN != NaN, and 1 == 1.0 == True would hide a changed type
    assert [type(v) for v in fast] == [type(v) for v in own]
