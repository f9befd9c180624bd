"""The modality registry: one kit per modality, everything else looks modalities up there, and a new modality is one
package plus one registration (the TaskSpec's rule union is built from the registry by pydantic)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Literal, NoReturn

import numpy as np
import pytest
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from sandmle_core.errors import SpecError
from sandmle_core.modalities import KITS, ModalityKit, Rule, detect_modality, get_kit, rule_union
from sandmle_core.spec import Modality, TaskType

CORE = Path(__file__).resolve().parents[3] / "sandmle_core"


def test_every_modality_has_exactly_one_kit() -> None:
    assert sorted(k.modality for k in KITS) == sorted(Modality)
    assert len({k.rule_kind for k in KITS}) == len(KITS)
    assert {m: get_kit(m).modality for m in Modality} == {m: m for m in Modality}
    with pytest.raises(SpecError, match="no modality package registers 'point_cloud'"):
        get_kit("point_cloud")


def test_the_rule_union_is_the_registry() -> None:
    mapping = TypeAdapter(Rule).json_schema()["discriminator"]["mapping"]
    assert set(mapping) == {k.rule_kind for k in KITS}
    assert all(mapping[k.rule_kind].endswith(k.rule_model.__name__) for k in KITS)


class _PointCloudRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["point_cloud"] = "point_cloud"
    points: int


def _not_here(*args: object, **kwargs: object) -> NoReturn:
    raise NotImplementedError("a real modality package implements this")


POINT_KIT = ModalityKit(modality="point_cloud", rule_model=_PointCloudRule, test_rows=(50, 100),  # type: ignore[arg-type]
                        extra_challenges=(), detects=lambda kinds: "points" in kinds, hosts=_not_here,
                        draft=_not_here, synthesize=_not_here, ladder=_not_here)
"""What a new modality package registers (its drafter, synthesizer and ladder are not needed for the union)."""


def test_registering_one_more_kit_extends_the_rule_union_cleanly() -> None:
    union = TypeAdapter(rule_union((*KITS, POINT_KIT)))
    assert union.validate_python({"kind": "point_cloud", "points": 2048}) == _PointCloudRule(points=2048)
    with pytest.raises(ValidationError, match="points"):
        union.validate_python({"kind": "point_cloud"})
    with pytest.raises(ValidationError):
        TypeAdapter(Rule).validate_python({"kind": "point_cloud", "points": 2048})  # not registered here
    with pytest.raises(ValueError, match="distinct modalities"):
        rule_union((*KITS, KITS[0]))


@pytest.mark.parametrize(("kinds", "modality"), [
    (["image", "numeric"], Modality.IMAGE),
    (["audio"], Modality.AUDIO),
    (["audio", "numeric"], Modality.AUDIO),
    (["text"], Modality.TEXT),
    (["text", "integer"], Modality.TEXT),
    (["datetime", "numeric"], Modality.TIME_SERIES),
    (["numeric", "categorical", "text"], Modality.TABULAR),
    (["datetime"] + ["numeric"] * 6, Modality.TABULAR),
])
def test_profile_detection_asks_the_kits_in_registry_order(kinds: list[str], modality: Modality) -> None:
    assert detect_modality(kinds) == modality


def test_only_forecasting_reconstruction_transduction_and_ranking_have_a_fixed_task_type() -> None:
    assert {k.modality: k.task_type for k in KITS if k.task_type} == {Modality.TIME_SERIES: TaskType.FORECASTING,
                                                                      Modality.IMAGE_TO_IMAGE: TaskType.PER_PIXEL,
                                                                      Modality.SEQ2SEQ: TaskType.TRANSDUCTION,
                                                                      Modality.RANKING: TaskType.RANKING}


def _imports(package: Path) -> set[str]:
    found: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return found


def test_the_data_catalog_never_reaches_up_into_the_generators() -> None:
    reached = {m for m in _imports(CORE / "catalog") if m.startswith("sandmle_core.")
               and not m.startswith("sandmle_core.catalog.")}  # its own modules (schema, text_vocab, frozen)
    assert reached <= {"sandmle_core.errors"}, reached


def test_no_other_per_modality_maps_remain() -> None:
    """Outside the modality packages, nothing names a modality (bundled seeds declare theirs: that is data)."""
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        rel = path.relative_to(CORE).as_posix()
        if rel.startswith("modalities/") or rel == "seeds/sources.py":
            continue
        text = path.read_text()
        offenders += [f"{rel}: {m}" for m in ("Modality.TABULAR", "Modality.TEXT", "Modality.IMAGE",
                                               "Modality.TIME_SERIES") if m in text]
    assert not offenders, offenders


def test_rounding_keeps_values_inside_the_declared_range() -> None:
    """A karate-links slot of `make corpus` was rejected four times: revenue clipped to its declared low 0.5 and then
    rounded to 0 decimals (half to even) wrote 0.0 into nodes.csv."""
    from sandmle_core.modalities.base import rounded_in_range

    values = np.array([0.5, 0.51, 1.5, 3999.7, 4000.0])
    out = rounded_in_range(values, 0.5, 4000.0, False, 0)
    assert out.min() >= 0.5 and out.max() <= 4000.0 and list(out) == [1.0, 1.0, 2.0, 4000.0, 4000.0]
    ints = rounded_in_range(np.array([2.5, 7.5]), 2.5, 7.5, True, 0)
    assert ints.dtype == np.int64 and list(ints) == [3, 7]
    assert list(rounded_in_range(np.array([0.123, 0.05]), 0.05, 1.0, False, 1)) == [0.1, 0.1]
