"""The five generator roles behind one interface, and the values they pass each other.

A backend (`offline`, `claude`) is a bundle of five roles:

- Strategist: seed profile → TaskSpec for a slot; repairs a spec after a failed verdict.
- Developer: TaskSpec → data files, sample submission, solution ladder, and the ladder's runs (a `LadderRun`).
- MLOps: ladder runs → grade.py, evaluator.py, leaderboard.csv and thresholds.
- Writer: TaskSpec → description.md (never the hidden rule, never an answer).
- Verifier: every check of DESIGN.md → a `Verdict` with each check's figure.

Roles work on a staging folder (an `EnvFolder`: paths in, small values out), so any of them can run in a Dask worker
or be replaced by an LLM agent without the others noticing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from sandmle_core.leaderboard import Thresholds
from sandmle_core.sandbox.base import Isolation

if TYPE_CHECKING:
    from sandmle_core.envfolder import EnvFolder
    from sandmle_core.profile import TaskProfile
    from sandmle_core.taskspec import TaskSpec

__all__ = [
    "Backend",
    "Check",
    "Developer",
    "LadderRun",
    "MLOps",
    "Repair",
    "RunScore",
    "Strategist",
    "Usage",
    "UsagePart",
    "Verdict",
    "Verifier",
    "Writer",
]

Repair = Literal["less_noise", "more_noise", "new_seed"]


class UsagePart(BaseModel):
    """Calls, tokens and USD of one part of an environment's LLM usage (a role, a repair round, an attempt)."""

    model_config = ConfigDict(extra="forbid")

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float = 0.0

    def _sum(self, other: UsagePart) -> dict[str, Any]:
        return {"calls": self.calls + other.calls, "input_tokens": self.input_tokens + other.input_tokens,
                "output_tokens": self.output_tokens + other.output_tokens,
                "cache_read_tokens": self.cache_read_tokens + other.cache_read_tokens,
                "cache_write_tokens": self.cache_write_tokens + other.cache_write_tokens,
                "cost_usd": round(self.cost_usd + other.cost_usd, 6)}

    def plus(self, other: UsagePart) -> UsagePart:
        return UsagePart(**self._sum(other))


def _merge(a: dict[str, UsagePart], b: dict[str, UsagePart]) -> dict[str, UsagePart]:
    out = dict(a)
    for key, part in b.items():
        out[key] = out[key].plus(part) if key in out else part
    return dict(sorted(out.items()))


class Usage(UsagePart):
    """LLM usage of one environment (all zero for the offline backend), with its breakdown.

    `by_role`: strategist, developer, mlops, writer, verifier. `by_round`: `<role>/<round>`, round 0 being the role's
    first request and round k its k-th repair round (a reply sent back for failing validation, or a ladder sent back
    with its sandbox feedback). `by_attempt`: the slot's attempts (`"2"` = after the strategist's first repair of the
    spec). Each breakdown sums to the totals.
    """

    model: str | None = None
    by_role: dict[str, UsagePart] = Field(default_factory=dict)
    by_round: dict[str, UsagePart] = Field(default_factory=dict)
    by_attempt: dict[str, UsagePart] = Field(default_factory=dict)

    @property
    def part(self) -> UsagePart:
        """The totals alone."""
        return UsagePart(**{k: getattr(self, k) for k in UsagePart.model_fields})

    def add(self, other: Usage) -> Usage:
        return Usage(model=self.model or other.model, **self._sum(other),
                     by_role=_merge(self.by_role, other.by_role), by_round=_merge(self.by_round, other.by_round),
                     by_attempt=_merge(self.by_attempt, other.by_attempt))

    @classmethod
    def of_call(cls, part: UsagePart, model: str | None, role: str, round_: int, attempt: int | None) -> Usage:
        """One API call's usage, filed under its role, its round and (when known) the slot attempt."""
        return cls(model=model, **part.model_dump(), by_role={role: part}, by_round={f"{role}/{round_}": part},
                   by_attempt={str(attempt): part} if attempt is not None else {})

    def breakdown(self) -> dict[str, dict[str, dict[str, Any]]]:
        """by_role / by_round / by_attempt as plain dicts (what the manifest's usage_json holds)."""
        return {name: {k: v.model_dump() for k, v in getattr(self, name).items()}
                for name in ("by_role", "by_round", "by_attempt")}


class RunScore(BaseModel):
    """One ladder script run with one rng seed."""

    model_config = ConfigDict(extra="forbid")

    level: int
    name: str
    seed: int
    score: float | None = None
    error: str | None = None
    seconds: float = 0.0
    # CPU seconds of the run (user + system, from the harness's wait4): the benchmark's load-independent figure;
    # never written into an environment (excluded from dumps), so environments stay byte-identical
    cpu_seconds: float | None = Field(default=None, exclude=True)
    # fits a chained run took from its chain's memo (`ladder/fitmemo.py`); 0 for a run in a process of its own
    fits_reused: int = Field(default=0, exclude=True)


class LadderRun(BaseModel):
    """Every ladder run of an environment plus the reference points the thresholds need."""

    model_config = ConfigDict(extra="forbid")

    runs: list[RunScore]
    sample_score: float
    oracle_score: float
    perfect_score: float
    compute_seconds: float = Field(description="seconds spent inside the ladder scripts themselves")
    wall_seconds: float = Field(description="seconds of the whole ladder stage, sandbox start-up included")
    cpu_seconds: float | None = Field(default=None, description="CPU seconds of the whole sandboxed ladder "
                                      "(interpreter start, imports, every run); None when not measured")
    sandbox: Isolation | None = Field(default=None, description="the sandbox the ladder ran in, and what it missed")
    harness: str | None = Field(default=None, description="warm (a warm harness served it), or one-shot and why")

    def level_means(self) -> dict[int, float]:
        """Mean score per level over the seeds that produced a score."""
        by_level: dict[int, list[float]] = {}
        for run in self.runs:
            if run.score is not None:
                by_level.setdefault(run.level, []).append(run.score)
        return {level: sum(s) / len(s) for level, s in sorted(by_level.items())}

    def scores(self) -> list[float]:
        return [r.score for r in self.runs if r.score is not None]


class Check(BaseModel):
    """One verifier check: its group, whether it passed, the figure it is based on, and a sentence."""

    model_config = ConfigDict(extra="forbid")

    name: str
    group: Literal["contract", "grader", "solutions", "thresholds", "leakage", "dna", "realism", "review"]
    passed: bool
    figure: float | int | str | None = None
    detail: str = ""
    repair: Repair | None = None


class Verdict(BaseModel):
    """The verifier's decision on one environment, with every check."""

    model_config = ConfigDict(extra="forbid")

    env_id: str
    accepted: bool
    reason: str | None = None
    repair: Repair | None = None
    checks: list[Check]
    sample_score: float | None = None
    reference_score: float | None = None
    oracle_score: float | None = None
    kendall_tau: float | None = None
    thresholds: Thresholds | None = None
    # share of the ladder's submissions keeping their medal under simulated fresh re-runs of its seeds
    medal_stability: float | None = None
    # how many of silver, bronze and the median each gap between ranked ladder levels holds (best gap first): the
    # recipe a re-run of the ladder places its thresholds by (`sandmle_core.population.medal_recipe`)
    medal_recipe: list[int] | None = None
    # what the build did that its record must announce without rejecting it (the Claude writer's fallback)
    notes: list[str] = Field(default_factory=list)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


@dataclass(frozen=True)
class BuildResult:
    """What the developer, MLOps and writer produced in a staging folder."""

    staging: EnvFolder
    ladder: LadderRun
    thresholds: Thresholds
    usage: Usage
    timings: dict[str, float]


class Strategist(Protocol):
    def draft_spec(
        self, seed_id: str, profile: TaskProfile, index: int, rng_seed: int, attempt: int = 1,
        difficulty: float | None = None,
    ) -> TaskSpec: ...

    def repair_spec(self, spec: TaskSpec, verdict: Verdict, attempt: int, profile: TaskProfile,
                    base_rng_seed: int) -> TaskSpec: ...


class Developer(Protocol):
    def build_data(self, spec: TaskSpec, staging: EnvFolder | Path) -> dict[str, Any]: ...

    def run_ladder(self, spec: TaskSpec, staging: EnvFolder | Path) -> LadderRun: ...


class MLOps(Protocol):
    def write_grader(self, spec: TaskSpec, staging: EnvFolder | Path, ladder: LadderRun) -> Thresholds: ...


class Writer(Protocol):
    def write_description(self, spec: TaskSpec, staging: EnvFolder | Path, thresholds: Thresholds) -> Path: ...


class Verifier(Protocol):
    def verify(
        self, spec: TaskSpec, staging: EnvFolder | Path, build: BuildResult, contracts: list[dict[str, Any]]
    ) -> Verdict: ...


@dataclass(frozen=True)
class Backend:
    """The five roles of one backend, plus how much LLM usage the last environment cost (offline: none)."""

    name: str
    strategist: Strategist
    developer: Developer
    mlops: MLOps
    writer: Writer
    verifier: Verifier
    model: str | None = None
