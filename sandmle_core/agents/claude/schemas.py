"""The structured replies of the Claude roles: pydantic models, their tool definitions, and error feedback.

Every role answers through one tool whose `input_schema` is generated from a pydantic model here. A reply is
validated with `model_validate(input, context=...)`: field types and bounds come from the schema the model saw, and
the cross-field rules that need the slot's context (the seed's task type and label cardinality, the challenges to
build in, the spec's column names) run in `model_validator`s that list every problem at once, so one repair round
can fix them all. `validation_feedback` turns a `ValidationError` into the text sent back to the model.

All six tools are offered in every request (the role's own one is forced through `tool_choice`, or named in the
prompt for models that reject forced tool use): tools come first in the prompt-cache prefix, so identical tool lists
let the long shared system prompt be cached across roles.
"""

from __future__ import annotations

import ast
import copy
import re
import sys
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from sandmle_core.agents.claude.description import DescriptionProposal
from sandmle_core.agents.claude.script_schemas import tool_entries
from sandmle_core.spec import TaskType

__all__ = [
    "TOOLS",
    "DomainProposal",
    "FeatureProposal",
    "FramingProposal",
    "LadderProposal",
    "MetricNote",
    "MetricProposal",
    "OverviewProposal",
    "Review",
    "ScriptProposal",
    "SignalTerm",
    "SpecProposal",
    "TargetProposal",
    "tool_definitions",
    "tool_schema",
    "validation_feedback",
]

_NAME = r"^[a-z][a-z0-9_]{1,39}$"
ALLOWED_IMPORTS = frozenset({"numpy", "pandas", "scipy", "sklearn", "PIL"})  # scipy: a graph ladder's sparse adjacency
DENIED_STDLIB = frozenset({"socket", "subprocess", "urllib", "http", "ftplib", "smtplib", "ctypes",
                           "multiprocessing", "asyncio", "shutil"})
NUMERIC_OPS = ("linear", "square", "hinge", "sine", "interaction")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _raise(problems: list[str]) -> None:
    if problems:
        raise ValueError("; ".join(problems))


def _ctx(info: ValidationInfo) -> dict[str, Any]:
    return info.context or {}


# ---------------------------------------------------------------------------------------------------------------
# Strategist


class DomainProposal(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{2,30}$", description="snake_case slug of the domain (part of the "
                                                                     "environment id), e.g. 'soil_lab'")
    title: str = Field(min_length=3, max_length=60, description="e.g. 'Soil Testing Laboratory'")
    sector: str = Field(min_length=2, max_length=40, description="e.g. 'agriculture'")
    entity: str = Field(min_length=2, max_length=40, description="what one row is, e.g. 'soil sample'")


class FeatureProposal(_Strict):
    name: str = Field(pattern=_NAME, description="snake_case column name, with its unit when it has one")
    kind: Literal["numeric", "integer", "categorical"]
    description: str = Field(min_length=3, max_length=200, description="what the column measures (public)")
    unit: str | None = Field(default=None, max_length=20)
    low: float | None = Field(default=None, description="numeric/integer: the usual lower end of the values")
    high: float | None = Field(default=None, description="numeric/integer: the usual upper end of the values")
    skewed: bool = Field(default=False, description="numeric/integer: right-skewed (most values near low)")
    levels: list[str] | None = Field(default=None, min_length=2, max_length=40,
                                     description="categorical: the level names (2-40, unique)")

    @model_validator(mode="after")
    def _kind_fields(self) -> FeatureProposal:
        problems = []
        if self.kind == "categorical":
            if not self.levels:
                problems.append(f"feature {self.name!r}: a categorical feature needs `levels`")
            elif len(set(self.levels)) != len(self.levels) or any(not v.strip() or len(v) > 40 or "\n" in v
                                                                   for v in self.levels):
                problems.append(f"feature {self.name!r}: levels must be unique, non-empty, one line, <= 40 chars")
            if self.low is not None or self.high is not None or self.skewed:
                problems.append(f"feature {self.name!r}: low/high/skewed are for numeric features only")
        else:
            if self.levels:
                problems.append(f"feature {self.name!r}: `levels` is for categorical features only")
            if self.low is None or self.high is None or not self.low < self.high:
                problems.append(f"feature {self.name!r}: a {self.kind} feature needs low < high")
            elif max(abs(self.low), abs(self.high)) > 1e9:
                problems.append(f"feature {self.name!r}: keep low/high within ±1e9")
        _raise(problems)
        return self


class SignalTerm(_Strict):
    op: Literal["linear", "square", "hinge", "sine", "interaction", "level"] = Field(
        description="linear: monotone effect; square: U-shape; hinge: effect above a knot; sine: oscillating; "
                    "interaction: product of TWO numeric features; level: per-level effects of ONE categorical")
    features: list[str] = Field(min_length=1, max_length=2)
    strength: float = Field(ge=0.1, le=1.0, description="relative weight of this term in the signal")
    direction: Literal["increases", "decreases"] = Field(
        default="increases", description="whether the term raises or lowers the target (positive class / value)")


class TargetProposal(_Strict):
    name: str | None = Field(default=None, pattern=_NAME, description="target column (not for multilabel)")
    description: str = Field(min_length=5, max_length=300,
                             description="what is predicted; binary: start with '1 if ...'")
    unit: str | None = Field(default=None, max_length=20)
    classes: list[str] | None = Field(default=None, description="multiclass: class names; ordinal: ordered low "
                                                                "to high; binary: omit (classes are '0' and '1')")
    labels: list[str] | None = Field(default=None, description="multilabel: the label column names")
    low: float | None = Field(default=None, description="regression: usual lower end of the target")
    high: float | None = Field(default=None, description="regression: usual upper end of the target")
    skewed: bool = Field(default=False, description="regression: right-skewed positive target")


class SpecProposal(_Strict):
    """A tabular environment: domain, story, public columns, target and the hidden signal structure."""

    domain: DomainProposal
    title: str = Field(min_length=10, max_length=120)
    story: str = Field(min_length=80, max_length=1500, description="who wants the prediction and why; "
                                                                   "never the hidden rule")
    id_column: str = Field(pattern=_NAME)
    features: list[FeatureProposal] = Field(min_length=4, max_length=30)
    target: TargetProposal
    signal: list[SignalTerm] = Field(min_length=2, max_length=12,
                                     description="the hidden rule: which features drive the target, and how")

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> SpecProposal:
        ctx = _ctx(info)
        problems: list[str] = []
        kinds = {f.name: f.kind for f in self.features}
        names = [f.name for f in self.features]
        if len(set(names)) != len(names):
            problems.append(f"feature names must be unique: {names}")
        task: TaskType | None = ctx.get("task_type")
        targets = (self.target.labels or []) if task == TaskType.MULTILABEL else [self.target.name or ""]
        for name in [self.id_column, *targets]:
            if name in kinds:
                problems.append(f"{name!r} is the id or a target and must not also be a feature")
        numeric_used: set[str] = set()
        for i, term in enumerate(self.signal):
            missing = [f for f in term.features if f not in kinds]
            if missing:
                problems.append(f"signal[{i}] names unknown features {missing}")
                continue
            want = 2 if term.op == "interaction" else 1
            if len(term.features) != want or len(set(term.features)) != want:
                problems.append(f"signal[{i}]: op {term.op!r} takes exactly {want} distinct feature(s)")
            if term.op == "level" and kinds[term.features[0]] != "categorical":
                problems.append(f"signal[{i}]: op 'level' needs a categorical feature")
            if term.op != "level" and any(kinds[f] == "categorical" for f in term.features):
                problems.append(f"signal[{i}]: op {term.op!r} needs numeric/integer features")
            if term.op != "level":
                numeric_used.update(term.features)
        if len(numeric_used) < 2:
            problems.append("the signal must use at least 2 different numeric/integer features")
        challenges = set(ctx.get("challenges", ()))
        ops = {t.op for t in self.signal}
        used = {f for t in self.signal for f in t.features}
        if "interactions" in challenges and "interaction" not in ops:
            problems.append("challenge 'interactions' needs at least one 'interaction' term")
        if "nonlinearity" in challenges and not ops & {"square", "hinge", "sine"}:
            problems.append("challenge 'nonlinearity' needs a 'square', 'hinge' or 'sine' term")
        if "irrelevant_features" in challenges and len(used) >= len(names):
            problems.append("challenge 'irrelevant_features' needs at least one feature the signal does not use")
        if "high_cardinality" in challenges and not any(len(f.levels or ()) >= 20 for f in self.features):
            problems.append("challenge 'high_cardinality' needs a categorical feature with >= 20 levels")
        if ctx.get("seed_has_categorical") and "categorical" not in kinds.values():
            problems.append("the seed has categorical features: include at least one categorical feature")
        problems += self._target_problems(task, ctx.get("label_range"))
        _raise(problems)
        return self

    def _target_problems(self, task: TaskType | None, label_range: tuple[int, int] | None) -> list[str]:
        t, problems = self.target, []
        low, high = label_range or (2, 40)
        if task == TaskType.MULTILABEL:
            labels = t.labels or []
            if not low <= len(labels) <= high or len(set(labels)) != len(labels):
                problems.append(f"a multilabel target needs {low}-{high} unique label columns in `labels`")
            problems += [f"label {name!r} is not a snake_case name" for name in labels
                         if not SpecProposal._is_name(name)]
            return problems
        if not t.name:
            problems.append("the target needs a `name`")
        if task == TaskType.BINARY and t.classes not in (None, ["0", "1"]):
            problems.append("a binary target's classes are '0' and '1': omit `classes`")
        if task in (TaskType.MULTICLASS, TaskType.ORDINAL):
            classes = t.classes or []
            if not low <= len(classes) <= high or len(set(classes)) != len(classes):
                problems.append(f"a {task} target needs {low}-{high} unique `classes` (the seed's cardinality)")
        if task == TaskType.REGRESSION:
            if t.low is None or t.high is None or not t.low < t.high:
                problems.append("a regression target needs low < high")
            elif t.skewed and t.low <= 0:
                problems.append("a skewed regression target needs low > 0")
        return problems

    @staticmethod
    def _is_name(value: str) -> bool:
        return re.match(_NAME, value) is not None


class FramingProposal(_Strict):
    """A new framing for a drafted non-tabular environment: its rule and column names stay as drafted."""

    title: str = Field(min_length=10, max_length=120)
    story: str = Field(min_length=80, max_length=1500)
    column_descriptions: dict[str, str] = Field(default_factory=dict,
                                                description="column name -> better public description")
    target_description: str | None = Field(default=None, min_length=5, max_length=300)

    @model_validator(mode="after")
    def _known_columns(self, info: ValidationInfo) -> FramingProposal:
        known = set(_ctx(info).get("columns", ()))
        unknown = sorted(set(self.column_descriptions) - known)
        bad = [k for k, v in self.column_descriptions.items() if not 3 <= len(v) <= 200]
        _raise(([f"unknown columns {unknown}; the columns are {sorted(known)}"] if unknown else [])
               + ([f"descriptions of {bad} must be 3-200 characters"] if bad else []))
        return self


# ---------------------------------------------------------------------------------------------------------------
# Developer


class ScriptProposal(_Strict):
    level: int = Field(ge=0, le=9)
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{1,30}$", description="e.g. 'prior', 'logistic', 'forest'")
    summary: str = Field(min_length=5, max_length=300)
    source: str = Field(min_length=50, max_length=30000, description="the whole standalone Python script")


def _script_problems(script: ScriptProposal) -> list[str]:
    where = f"level {script.level} ({script.name})"
    try:
        tree = ast.parse(script.source)
    except SyntaxError as exc:
        return [f"{where}: SyntaxError line {exc.lineno}: {exc.msg}"]
    problems = []
    for node in ast.walk(tree):
        roots: list[str] = []
        if isinstance(node, ast.Import):
            roots = [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots = [node.module.split(".")[0]]
        for root in roots:
            if root in DENIED_STDLIB or (root not in ALLOWED_IMPORTS and root not in sys.stdlib_module_names):
                problems.append(f"{where}: import of {root!r} is not allowed (numpy, pandas, scipy, sklearn, PIL and "
                                f"harmless standard-library modules only)")
    for needle, why in (("SANDMLE_SEED", "read the seed from the environment variable SANDMLE_SEED"),
                        ("submission.csv", "write ./submission.csv"),
                        ("public/train.csv", "read ./public/train.csv"), ("public/test.csv", "read ./public/test.csv")):
        if needle not in script.source:
            problems.append(f"{where}: must {why}")
    return problems


class LadderProposal(_Strict):
    """The solution ladder: 5-8 standalone scripts, level 0 the uninformed prior, each level stronger."""

    scripts: list[ScriptProposal] = Field(min_length=5, max_length=8)

    @model_validator(mode="after")
    def _contract(self) -> LadderProposal:
        problems = []
        levels = [s.level for s in self.scripts]
        if levels != list(range(len(levels))):
            problems.append(f"levels must be 0, 1, ..., n-1 in order, got {levels}")
        names = [s.name for s in self.scripts]
        if len(set(names)) != len(names):
            problems.append(f"script names must be unique, got {names}")
        for script in self.scripts:
            problems += _script_problems(script)
        _raise(problems)
        return self


# ---------------------------------------------------------------------------------------------------------------
# MLOps, writer, verifier


class MetricNote(_Strict):
    explanation: str = Field(min_length=40, max_length=1200, description="what the metric rewards in this "
                                                                         "task's terms, for description.md")


class MetricProposal(_Strict):
    metric: str | None = Field(default=None, max_length=60, description="the name of one of the offered metrics to "
                                                                        "grade this task with, or null to keep the "
                                                                        "seed's metric")
    reason: str = Field(default="", max_length=600, description="why this metric suits the task better")


class OverviewProposal(_Strict):
    overview: str = Field(min_length=80, max_length=3000, description="the Overview section of description.md "
                                                                      "(plain prose, no headings)")


class Review(_Strict):
    rule_leak: bool = Field(description="true if the description reveals the hidden rule (which features drive "
                                        "the target, how, or its numbers) beyond ordinary domain knowledge")
    leak_evidence: str = Field(default="", max_length=500, description="the leaking sentence, if any")
    meaningful: bool = Field(description="true if the task is coherent and learnable: plausible target, "
                                         "features that could carry signal, a ladder that improves")
    reason: str = Field(min_length=5, max_length=800)


# ---------------------------------------------------------------------------------------------------------------
# Tools


def tool_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with every `$ref` inlined (one self-contained object schema)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                target = walk(copy.deepcopy(defs[node["$ref"].rsplit("/", 1)[-1]]))
                return {**target, **{k: walk(v) for k, v in node.items() if k != "$ref"}}
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


TOOLS: dict[str, tuple[type[BaseModel], str]] = {
    "propose_spec": (SpecProposal, "Strategist: propose a tabular environment (domain, story, public columns, "
                                   "target and the hidden signal structure)."),
    "frame_spec": (FramingProposal, "Strategist: give a drafted non-tabular environment its title, story and "
                                    "column descriptions."),
    "submit_ladder": (LadderProposal, "Developer: submit the solution ladder (5-8 standalone scripts, level 0 "
                                      "the uninformed prior)."),
    "propose_metric": (MetricProposal, "MLOps: keep the seed's metric or propose one of the offered compatible "
                                       "metrics from sandmle's registry."),
    "explain_metric": (MetricNote, "MLOps: explain what the fixed metric rewards in this task."),
    "write_description": (DescriptionProposal, "Writer: every prose section of description.md, one field each."),
    "write_overview": (OverviewProposal, "Writer: the Overview section alone (the fallback: sandmle renders the "
                                         "other sections)."),
    "review_environment": (Review, "Verifier: review a built environment for rule leaks and meaningfulness."),
    **tool_entries(),  # the `script` rule kind's strategist and developer tools
}


def tool_definitions() -> list[dict[str, Any]]:
    """Every tool, in a fixed order (an identical list in every request keeps the prompt cache warm)."""
    return [{"name": name, "description": text, "input_schema": tool_schema(model)}
            for name, (model, text) in TOOLS.items()]


def validation_feedback(exc: ValidationError | ValueError) -> str:
    """The validation problems of a tool input, as the text the model gets back."""
    if isinstance(exc, ValidationError):
        lines = []
        for err in exc.errors(include_url=False):
            loc = ".".join(str(p) for p in err["loc"]) or "(whole input)"
            msg = str(err["msg"]).removeprefix("Value error, ")
            lines.append(f"- {loc}: {msg}")
        body = "\n".join(lines[:40]) + (f"\n- ... and {len(lines) - 40} more" if len(lines) > 40 else "")
    else:
        body = f"- {exc}"
    return ("Your tool input did not validate:\n" + body
            + "\n\nCall the tool again with the whole corrected input (all fields, not only the changed ones).")
