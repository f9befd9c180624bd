"""Scripted model replies for the Claude backend tests: what a well-behaved model would answer per role.

The proposal fits the breast-cancer seed (binary, AUC, numeric features) and satisfies every challenge a tabular
slot can draw for it (an interaction, a non-linear term, features without effect). The ladder is what a competent
developer writes: here, sandmle's own tabular ladder rendered for the proposal's columns. The writer's answer is a
responder: like a model, it reads the public files and columns off its prompt and names each of them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from sandmle_core.ladder import LadderConfig, ladder_for
from sandmle_core.spec import Modality, TaskType
from tests.claude.fake_anthropic import Reply, tool_reply

__all__ = ["OVERVIEW", "PROPOSAL", "description_input", "description_reply", "happy_build", "ladder_input",
           "metric_reply", "overview_reply", "proposal", "review_reply", "writer_facts"]

PROPOSAL: dict[str, Any] = {
    "domain": {"key": "soil_lab", "title": "Soil Testing Laboratory", "sector": "agriculture",
               "entity": "field sample"},
    "title": "Soil Lab: Predict Yield Deficits from Soil Tests",
    "story": "An agronomy cooperative tests soil samples from member farms before planting and wants to know which "
             "fields are likely to fall short of the regional yield, so that advisers can visit those farms first.",
    "id_column": "sample_id",
    "features": [
        {"name": "ph", "kind": "numeric", "description": "soil pH in water", "low": 4.5, "high": 8.5},
        {"name": "organic_matter_pct", "kind": "numeric", "description": "organic matter content", "unit": "%",
         "low": 0.5, "high": 8.0},
        {"name": "nitrate_mg_kg", "kind": "numeric", "description": "nitrate nitrogen", "unit": "mg/kg", "low": 1,
         "high": 120, "skewed": True},
        {"name": "phosphorus_mg_kg", "kind": "numeric", "description": "plant-available phosphorus",
         "unit": "mg/kg", "low": 5, "high": 150},
        {"name": "potassium_mg_kg", "kind": "numeric", "description": "exchangeable potassium", "unit": "mg/kg",
         "low": 40, "high": 400},
        {"name": "clay_content_pct", "kind": "numeric", "description": "clay share of the fine earth", "unit": "%",
         "low": 5, "high": 60},
        {"name": "moisture_pct", "kind": "numeric", "description": "volumetric moisture at sampling", "unit": "%",
         "low": 5, "high": 45},
        {"name": "bulk_density_g_cm3", "kind": "numeric", "description": "dry bulk density", "unit": "g/cm3",
         "low": 1.0, "high": 1.8},
        {"name": "sample_depth_cm", "kind": "integer", "description": "depth of the sample", "unit": "cm",
         "low": 5, "high": 60},
    ],
    "target": {"name": "yield_deficit",
               "description": "1 if the field's yield fell more than 15% below the regional average"},
    "signal": [
        {"op": "linear", "features": ["nitrate_mg_kg"], "strength": 0.9, "direction": "decreases"},
        {"op": "linear", "features": ["organic_matter_pct"], "strength": 0.7, "direction": "decreases"},
        {"op": "linear", "features": ["bulk_density_g_cm3"], "strength": 0.6},
        {"op": "interaction", "features": ["ph", "phosphorus_mg_kg"], "strength": 0.5},
        {"op": "square", "features": ["moisture_pct"], "strength": 0.5},
        {"op": "hinge", "features": ["clay_content_pct"], "strength": 0.4},
    ],
}


def proposal(**changes: Any) -> dict[str, Any]:
    """A deep copy of PROPOSAL with top-level fields replaced."""
    out = copy.deepcopy(PROPOSAL)
    out.update(changes)
    return out


def ladder_input(prop: dict[str, Any] = PROPOSAL) -> dict[str, Any]:
    """`submit_ladder` input: sandmle's tabular ladder rendered for the proposal's columns."""
    target = prop["target"]["name"]
    config = LadderConfig(modality=Modality.TABULAR, task_type=TaskType.BINARY, metric="auc",
                          metric_kind="probability", id_column=prop["id_column"], target_columns=(target,),
                          submission_columns=(target,), classes=("0", "1"),
                          feature_columns=tuple(f["name"] for f in prop["features"]))
    return {"scripts": [{"level": s.level, "name": s.name, "summary": s.summary[:300], "source": s.source}
                        for s in ladder_for(config)]}


def metric_reply() -> Reply:
    return tool_reply("explain_metric", {"explanation": "AUC rewards ranking fields by their risk: a field that will "
                                                        "fall short should get a higher probability than one that "
                                                        "will not; calibration does not matter, ordering does."})


OVERVIEW = ("An agronomy cooperative tests soil samples from its member farms every spring. Advisers can only visit a "
            "fraction of the farms before planting, so the cooperative wants to rank fields by how likely they are "
            "to fall short of the regional yield.")


def overview_reply(overview: str = OVERVIEW) -> Reply:
    """The fallback writer's answer: the Overview alone."""
    return tool_reply("write_overview", {"overview": overview})


def _json_after(text: str, marker: str, end: str) -> Any:
    start = text.index("\n", text.index(marker)) + 1
    return json.loads(text[start:text.index(end, start)])


def writer_facts(prompt: str) -> dict[str, Any]:
    """What a model reads off the writer's prompt: the public listing, the exact header, the public spec."""
    header = prompt.split("header exactly: `", 1)[1].split("`", 1)[0]
    return {"listing": _json_after(prompt, "Public files (name", "\n\nPublic spec:"), "header": header,
            "spec": _json_after(prompt, "Public spec:", "\nMetric formula:")}


def description_input(facts: dict[str, Any], *, overview: str = OVERVIEW, skip: tuple[str, ...] = (),
                      extra: str = "") -> dict[str, Any]:
    """`write_description` input naming every public file and column of `facts` (`writer_facts`), except `skip`;
    `extra` is appended to the Data section."""
    spec, listing = facts["spec"], facts["listing"]
    meaning = {c["name"]: c.get("description", "") for c in spec["columns"]}
    meaning[spec["id_column"]] = "the row's identifier"
    for target in spec["target"]["columns"]:
        meaning[target] = spec["target"]["description"]
    sample = next(name for name in listing if name.startswith("sample_submission"))
    lines = [f"- `{name}`: one of the files you receive." for name in listing if name not in skip]
    fields = dict.fromkeys(f for name, header in listing.items() if header and name != sample for f in header)
    lines += ["", "Columns:"] + [f"- `{f}`: {meaning.get(f) or 'a recorded value'}." for f in fields if f not in skip]
    metric = spec["metric"]
    direction = "lower" if metric["lower_is_better"] else "higher"
    return {"title": spec["title"], "overview": overview, "data": "\n".join(lines) + extra,
            "evaluation": f"Submissions are scored with {metric['title']}; {direction} is better.",
            "submission": f"Write one row per test row with the header `{facts['header']}` and your predictions."}


def description_reply(**changes: Any) -> Callable[[dict[str, Any]], Reply]:
    """A responder: the whole description for the files and columns named in the writer's prompt (`changes`: the
    keyword arguments of `description_input`)."""
    def respond(body: dict[str, Any]) -> Reply:
        prompt = body["messages"][0]["content"][0]["text"]
        return tool_reply("write_description", description_input(writer_facts(prompt), **changes))
    return respond


def review_reply(leak: bool = False, meaningful: bool = True) -> Reply:
    return tool_reply("review_environment", {
        "rule_leak": leak, "leak_evidence": "names nitrate as the driver" if leak else "", "meaningful": meaningful,
        "reason": "Soil chemistry plausibly drives yield deficits and the ladder improves steadily."})


def happy_build(prop: dict[str, Any] = PROPOSAL) -> list[Reply | Callable[[dict[str, Any]], Reply]]:
    """The five replies of one environment that goes through without repairs."""
    return [tool_reply("propose_spec", prop), tool_reply("submit_ladder", ladder_input(prop)), metric_reply(),
            description_reply(), review_reply()]
