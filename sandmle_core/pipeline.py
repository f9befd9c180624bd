"""The corpus build without an orchestrator: analyze seeds, plan slots, run one slot, count diversity, summarize.

Prefect tasks (`tasks/`) and flows (`flows/`) call exactly these functions; the benchmark's `sandmle.bench.plain`
chains them in a plain loop to measure what orchestration costs. Paths — never DataFrames — cross the stage
boundaries: a seed's profile is written once as JSON under `<corpus>/.work/profiles/` and read once per seed into a
typed `TaskProfile` that travels inside each `SlotJob`; a slot's result is a typed `ManifestRow`, written by the
flow's one `ManifestWriter`. Planning drafts nothing: a slot is named by its `SlotKey`, and its spec is drafted once,
inside the slot.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sandmle_core.agents import get_backend
from sandmle_core.generate import DEFAULT_ATTEMPTS, ContractChecker, generate_slot, manifest_row
from sandmle_core.layout import Corpus
from sandmle_core.profile import TaskProfile, profile_seed
from sandmle_core.publish import published_slots
from sandmle_core.records import FailureRecord, ManifestRow, read_failures, read_manifest, write_failure
from sandmle_core.seeds import resolve_seed
from sandmle_core.slots import SlotKey

__all__ = [
    "SlotJob",
    "analyze_seed",
    "count_diversity",
    "failed_seed_refs",
    "failure_row",
    "longest_first",
    "plan_slots",
    "profile_path",
    "read_profile",
    "regeneration_jobs",
    "run_slot",
    "seed_seconds",
    "summarize",
]

MODALITY_SECONDS = {"audio": 4.8, "graph": 3.3, "tabular": 2.5, "image": 2.3, "text": 2.3, "time_series": 1.1}
"""A slot's seconds per ladder by modality, when the corpus has no earlier slot of its seed: the medians of the
72-environment build of 2026-12-05 (`bench/results/2026-12-05h`). Only the order of the slots depends on them."""


def profile_path(corpus: Corpus, seed_id: str) -> Path:
    return corpus.root / ".work" / "profiles" / f"{seed_id}.json"


def analyze_seed(seed_ref: str, corpus_root: str | Path) -> tuple[str, Path]:
    """Load a seed (bundled id or competition folder), profile it, write the profile JSON; return (seed id, path)."""
    corpus = Corpus(Path(corpus_root))
    seed = resolve_seed(seed_ref)
    profile = profile_seed(seed)
    path = profile_path(corpus, seed.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(profile.model_dump_json(indent=2))
    tmp.replace(path)
    return seed.id, path


def read_profile(path: str | Path) -> TaskProfile:
    """A profile written by `analyze_seed`, as the typed value every slot of the seed carries."""
    return TaskProfile.model_validate_json(Path(path).read_text())


@dataclass(frozen=True)
class SlotJob:
    """One environment slot to build: small, picklable, the unit a Dask worker runs end to end.

    Attributes:
        key: the slot (seed id, build rng seed, index) — it names the Prefect task run.
        profile: the seed's Task DNA, read once per seed.
        first_attempt: 1 for a build; the recorded attempts + 1 when regenerating a failed slot.
        failed_env_id: the env id of the slot's failure record when regenerating (names a crashed unit's record).
    """

    key: SlotKey
    seed_ref: str
    profile: TaskProfile
    corpus_root: str
    backend: str = "offline"
    sandbox_backend: str | None = None
    max_attempts: int = DEFAULT_ATTEMPTS
    first_attempt: int = 1
    failed_env_id: str | None = None


def plan_slots(seed_ref: str, profile: TaskProfile, per_seed: int, rng_seed: int, corpus_root: str | Path,
               backend: str = "offline", sandbox_backend: str | None = None,
               max_attempts: int = DEFAULT_ATTEMPTS) -> list[SlotJob]:
    """The K slots of one seed that are not published yet (resume skips the rest). Nothing is drafted here; the
    build submits the slots of all seeds `longest_first`."""
    corpus = Corpus(Path(corpus_root))
    done = published_slots(corpus)
    keys = [SlotKey(profile.seed_id, rng_seed, i) for i in range(per_seed)]
    return [SlotJob(key, seed_ref, profile, str(corpus.root), backend, sandbox_backend, max_attempts)
            for key in keys if str(key) not in done]


def seed_seconds(corpus_root: str | Path) -> dict[str, float]:
    """Each seed's median seconds per slot over the corpus' earlier slots (any status: a rejected slot took its time
    too), from the manifest; empty for a new corpus."""
    by_seed: dict[str, list[float]] = {}
    for row in read_manifest(Corpus(Path(corpus_root))).select(["seed_id", "seconds_total"]).to_pylist():
        if row["seconds_total"]:
            by_seed.setdefault(row["seed_id"], []).append(float(row["seconds_total"]))
    return {seed: float(np.median(seconds)) for seed, seconds in by_seed.items()}


def longest_first(jobs: Sequence[SlotJob], history: Mapping[str, float] | None = None) -> list[SlotJob]:
    """The slots in the order to submit them: the longest first, so that the build does not end with one worker
    finishing a long slot while the others idle (a 36-slot tabular build's six multi-label movies slots take 8 s each
    against 2-3 s). A slot's expected seconds are its seed's in `history` (`seed_seconds`: a nightly corpus's earlier
    builds), else a prior: its ladders (one per target column) times `MODALITY_SECONDS`. Slots of equal cost keep
    their order (the sort is stable); what each slot builds does not depend on the order."""
    history = history or {}

    def cost(job: SlotJob) -> float:
        seed = job.key.seed_id
        if seed in history:
            return history[seed]
        per_ladder = MODALITY_SECONDS.get(job.profile.modality.value, max(MODALITY_SECONDS.values()))
        return per_ladder * max(1, len(job.profile.target_columns))

    return sorted(jobs, key=cost, reverse=True)


def run_slot(job: SlotJob, check_contracts: ContractChecker | None = None) -> ManifestRow:
    """Build one slot end to end (draft, build, contracts, verify, publish or record); return its manifest row."""
    backend = get_backend(job.backend, sandbox_backend=job.sandbox_backend)
    outcome = generate_slot(job.profile, job.key, job.seed_ref, Corpus(Path(job.corpus_root)), backend,
                            check_contracts or (lambda staging, spec: []), max_attempts=job.max_attempts,
                            first_attempt=job.first_attempt)
    return manifest_row(outcome, job.backend)


def failure_row(job: SlotJob, stage: str, error: BaseException | str, attempts: int) -> ManifestRow:
    """Record a slot whose unit crashed (after the orchestrator's retries) and return its manifest row."""
    corpus = Corpus(Path(job.corpus_root))
    error_type = type(error).__name__ if isinstance(error, BaseException) else "Error"
    message = str(error)[:2000]
    key = job.key
    env_id = job.failed_env_id or f"{key.seed_id}-slot{key.index:03d}"
    write_failure(corpus, FailureRecord(env_id=env_id, seed_id=key.seed_id, seed_ref=job.seed_ref, index=key.index,
                                        rng_seed=key.rng_seed, backend=job.backend, stage=stage,
                                        error_type=error_type, message=message, attempts=attempts,
                                        history=[{"attempt": attempts, "env_id": env_id, "stage": stage,
                                                  "error_type": error_type, "message": message[:300]}]))
    return ManifestRow(slot=str(key), env_id=env_id, seed_id=key.seed_id, index=key.index, rng_seed=key.rng_seed,
                       attempt_rng_seed=key.rng_seed, attempts=attempts, status="failed", stage=stage,
                       reason=f"{error_type}: {message}"[:500], backend=job.backend)


def count_diversity(rows: Sequence[ManifestRow]) -> dict[str, Any]:
    """Diversity of the accepted environments of a build, and how many slots were withheld as near-duplicates."""
    accepted = [r for r in rows if r.status == "accepted"]
    by_seed: dict[str, dict[str, int]] = {}
    for seed in sorted({r.seed_id for r in accepted}):
        mine = [r for r in accepted if r.seed_id == seed]
        by_seed[seed] = {"domains": len({r.domain for r in mine}), "schemas": len({r.schema_hash for r in mine}),
                         "environments": len(mine)}
    return {"dropped_duplicates": sum(r.status == "duplicate" for r in rows),
            "distinct_domains": len({r.domain for r in accepted}),
            "distinct_schemas": len({r.schema_hash for r in accepted}), "per_seed": by_seed}


def _summary_table(rows: Sequence[ManifestRow]) -> list[str]:
    lines = ["| group | value | accepted | total |", "|---|---|---|---|"]
    for key in ("seed_id", "modality", "metric"):
        for value in sorted({str(getattr(r, key)) for r in rows}):
            mine = [r for r in rows if str(getattr(r, key)) == value]
            ok = sum(r.status == "accepted" for r in mine)
            lines.append(f"| {key} | {value} | {ok} | {len(mine)} |")
    reasons = Counter((r.stage or "?", (r.reason or "")[:80]) for r in rows if r.status in ("rejected", "failed"))
    if reasons:
        lines += ["", "## Failure reasons", "", "| stage | reason | count |", "|---|---|---|"]
        lines += [f"| {s} | {m.replace('|', '/')} | {n} |" for (s, m), n in reasons.most_common()]
    stages: dict[str, list[float]] = {}
    for r in rows:
        if r.status == "accepted":
            for k, v in json.loads(r.timings_json or "{}").items():
                stages.setdefault(k, []).append(v)
    if stages:
        lines += ["", "## Stage timings (accepted environments)", "", "| stage | median s | total s |", "|---|---|---|"]
        for k, vs in sorted(stages.items()):
            vs = sorted(vs)
            lines.append(f"| {k} | {vs[len(vs) // 2]:.3f} | {sum(vs):.2f} |")
    return lines


def _sandbox_lines(rows: Sequence[ManifestRow]) -> list[str]:
    """Where the ladders ran; a loud line for every sandbox that did not isolate everything."""
    used = Counter((r.sandbox_backend, r.sandbox_missing or "") for r in rows if r.sandbox_backend)
    lines = ["- sandbox: " + (", ".join(f"{b} ({n} slots)" for (b, _), n in sorted(used.items())) or "n/a")]
    for (backend, missing), n in sorted(used.items()):
        if missing:
            lines.append(f"- **WARNING: {n} slots ran their ladder on the {backend} sandbox, which does not isolate "
                         f"{missing.replace(',', ', ')}**")
    return lines


def summarize(rows: Sequence[ManifestRow], diversity: Mapping[str, Any], wall_seconds: float) -> str:
    """The build's markdown summary: counts per seed / modality / metric, yield, failure reasons, stage timings."""
    status = Counter(r.status for r in rows)
    drafted = len(rows)
    lines = [
        "# sandmle corpus build",
        "",
        f"- environments: {drafted} slots, **{status.get('accepted', 0)} accepted**, "
        f"{status.get('rejected', 0)} rejected, {status.get('failed', 0)} failed, "
        f"{status.get('duplicate', 0)} near-duplicates dropped"
        + (f", {status['unbuilt']} not built (build budget reached)" if status.get("unbuilt") else ""),
        f"- yield: {status.get('accepted', 0) / drafted:.1%}" if drafted else "- yield: n/a",
        f"- wall time: {wall_seconds:.1f} s ({60 * status.get('accepted', 0) / max(wall_seconds, 1e-9):.1f} "
        "accepted per minute)",
        f"- diversity: {diversity.get('distinct_domains', 0)} domains, {diversity.get('distinct_schemas', 0)} schemas",
        f"- LLM usage: {sum(r.input_tokens for r in rows):,} input / {sum(r.output_tokens for r in rows):,} output / "
        f"{sum(r.cache_read_tokens for r in rows):,} cache-read tokens, ${sum(r.cost_usd for r in rows):.2f}",
        *_sandbox_lines(rows),
        "",
    ]
    return "\n".join(lines + _summary_table(rows)) + "\n"


def failed_seed_refs(corpus_root: str | Path) -> list[str]:
    """The seeds (as they were referenced) of every slot with a failure record: what regeneration must profile."""
    return sorted({record.seed_ref for record in read_failures(Corpus(Path(corpus_root)))})


def regeneration_jobs(corpus_root: str | Path, profiles: Mapping[str, TaskProfile], backend: str = "offline",
                      sandbox_backend: str | None = None, max_attempts: int = DEFAULT_ATTEMPTS) -> list[SlotJob]:
    """One job per failure record: the same slot, continuing the attempt count (fresh rng seed per attempt).

    Args:
        profiles: seed reference → profile; a reference left out (a seed still unsupported) keeps its records.
    """
    corpus = Corpus(Path(corpus_root))
    jobs = []
    for record in read_failures(corpus):
        if record.seed_ref not in profiles:
            continue
        key = SlotKey(record.seed_id, record.rng_seed, record.index)
        jobs.append(SlotJob(key, record.seed_ref, profiles[record.seed_ref], str(corpus.root),
                            backend or record.backend, sandbox_backend, max_attempts,
                            first_attempt=record.attempts + 1, failed_env_id=record.env_id))
    return jobs
