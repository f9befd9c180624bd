"""The corpus build without an orchestrator: analyze seeds, plan slots, build one slot end to end, filter, summarize.

Prefect tasks (`tasks/`) and flows (`flows/`) call exactly these functions; `build_plain` chains them in a plain loop,
which is what the benchmark compares the orchestrated build against. Paths — never DataFrames — cross the stage
boundaries: a seed's profile is a JSON file under `<corpus>/.work/profiles/`, a slot is a small `SlotJob`, and a slot's
result is a `ManifestRow` (plain data) plus the published folder.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandmle_core.agents import get_backend
from sandmle_core.generate import DEFAULT_ATTEMPTS, ContractChecker, generate_slot, manifest_row
from sandmle_core.layout import Corpus, read_config
from sandmle_core.profile import TaskProfile, profile_seed
from sandmle_core.records import (
    FailureRecord,
    ManifestRow,
    append_manifest,
    published_slots,
    read_failures,
    slot_key,
    write_failure,
)
from sandmle_core.seeds import resolve_seed

__all__ = [
    "SlotJob",
    "analyze_seed",
    "build_plain",
    "failure_row",
    "filter_corpus",
    "plan_slots",
    "profile_path",
    "regeneration_jobs",
    "run_slot",
    "summarize",
]


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


@dataclass(frozen=True)
class SlotJob:
    """One environment slot to build: small, picklable, the unit a Dask worker runs end to end."""

    seed_id: str
    seed_ref: str
    profile_path: str
    index: int
    rng_seed: int
    corpus_root: str
    backend: str = "offline"
    sandbox_backend: str | None = None
    max_attempts: int = DEFAULT_ATTEMPTS
    first_attempt: int = 1
    env_id: str = ""
    modality: str = ""

    @property
    def slot(self) -> str:
        return slot_key(self.seed_id, self.rng_seed, self.index)


def plan_slots(seed_id: str, seed_ref: str, profile: Path, per_seed: int, rng_seed: int, corpus_root: str | Path,
               backend: str = "offline", sandbox_backend: str | None = None,
               max_attempts: int = DEFAULT_ATTEMPTS) -> list[SlotJob]:
    """The K slots of one seed that are not published yet (resume skips the rest), each named by the env id of its
    first-attempt spec (drafting is deterministic and takes milliseconds; repairs may change the id later)."""
    from sandmle_core.agents.offline.strategist import OfflineStrategist

    corpus = Corpus(Path(corpus_root))
    done = published_slots(corpus)
    prof = TaskProfile.model_validate_json(Path(profile).read_text())
    jobs = []
    for i in range(per_seed):
        if slot_key(seed_id, rng_seed, i) in done:
            continue
        env_id = OfflineStrategist().draft_spec(seed_id, prof, i, rng_seed).env_id if backend == "offline" else (
            f"{seed_id}-slot{i:03d}")
        jobs.append(SlotJob(seed_id, seed_ref, str(profile), i, rng_seed, str(corpus.root), backend, sandbox_backend,
                            max_attempts, env_id=env_id, modality=prof.modality.value))
    return jobs


def _no_contracts(staging: Path, spec: Any) -> list[dict[str, Any]]:
    return []


def run_slot(job: SlotJob, check_contracts: ContractChecker | None = None) -> dict[str, Any]:
    """Build one slot end to end (draft, build, contracts, verify, publish or record); return its manifest row."""
    corpus = Corpus(Path(job.corpus_root))
    profile = TaskProfile.model_validate_json(Path(job.profile_path).read_text())
    backend = get_backend(job.backend, sandbox_backend=job.sandbox_backend)
    outcome = generate_slot(profile, job.seed_id, job.seed_ref, job.index, job.rng_seed, corpus, backend,
                            check_contracts or _no_contracts, max_attempts=job.max_attempts,
                            first_attempt=job.first_attempt, published={})
    row = manifest_row(outcome, job.rng_seed, job.backend)
    if outcome.status in ("accepted", "cached") and corpus.is_published(outcome.env_id):
        block = read_config(corpus.env_dir(outcome.env_id)).sandmle
        row = row.model_copy(update={"data_hash": block.data_hash, "spec_hash": block.spec_hash,
                                     "status": "accepted"})
    return row.model_dump()


def failure_row(job: SlotJob, stage: str, error: BaseException | str, attempts: int) -> dict[str, Any]:
    """Record a slot whose unit crashed (after the orchestrator's retries) and return its manifest row."""
    corpus = Corpus(Path(job.corpus_root))
    error_type = type(error).__name__ if isinstance(error, BaseException) else "Error"
    message = str(error)[:2000]
    env_id = job.env_id or f"{job.seed_id}-slot{job.index:03d}"
    write_failure(corpus, FailureRecord(env_id=env_id, seed_id=job.seed_id, seed_ref=job.seed_ref, index=job.index,
                                        rng_seed=job.rng_seed, backend=job.backend, stage=stage,
                                        error_type=error_type, message=message, attempts=attempts))
    return ManifestRow(slot=job.slot, env_id=env_id, seed_id=job.seed_id, index=job.index, rng_seed=job.rng_seed,
                       attempt_rng_seed=job.rng_seed, attempts=attempts, status="failed", stage=stage,
                       reason=f"{error_type}: {message}"[:500], backend=job.backend).model_dump()


def filter_corpus(corpus_root: str | Path, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Drop near-duplicates among the accepted environments of this build; count diversity.

    Two environments are near-duplicates when their data is identical (same data hash) or when they come from the
    same seed, domain and public schema. The later slot is removed from `envs/` and marked `duplicate`.
    """
    import shutil

    corpus = Corpus(Path(corpus_root))
    seen_data: dict[str, str] = {}
    seen_shape: dict[tuple[str, str, str], str] = {}
    out = []
    dropped = 0
    for row in sorted(rows, key=lambda r: (r["seed_id"], r["index"])):
        if row["status"] == "accepted":
            shape = (row["seed_id"], row.get("domain") or "", row.get("schema_hash") or "")
            twin = seen_data.get(row.get("data_hash") or "") or (seen_shape.get(shape) if shape[2] else None)
            if twin and twin != row["env_id"]:
                shutil.rmtree(corpus.env_dir(row["env_id"]), ignore_errors=True)
                row = {**row, "status": "duplicate", "reason": f"near-duplicate of {twin}"}
                dropped += 1
            else:
                if row.get("data_hash"):
                    seen_data[row["data_hash"]] = row["env_id"]
                seen_shape[shape] = row["env_id"]
        out.append(row)
    accepted = [r for r in out if r["status"] == "accepted"]
    by_seed: dict[str, dict[str, int]] = {}
    for seed in sorted({r["seed_id"] for r in accepted}):
        mine = [r for r in accepted if r["seed_id"] == seed]
        by_seed[seed] = {"domains": len({r["domain"] for r in mine}), "schemas": len({r["schema_hash"] for r in mine}),
                         "environments": len(mine)}
    diversity = {"dropped_duplicates": dropped, "distinct_domains": len({r["domain"] for r in accepted}),
                 "distinct_schemas": len({r["schema_hash"] for r in accepted}), "per_seed": by_seed}
    return out, diversity


def _sandbox_lines(rows: list[dict[str, Any]]) -> list[str]:
    """Where the ladders ran; a loud line for every sandbox that did not isolate everything."""
    used = Counter((r.get("sandbox_backend"), r.get("sandbox_missing") or "") for r in rows if r.get("sandbox_backend"))
    lines = ["- sandbox: " + (", ".join(f"{b} ({n} slots)" for (b, _), n in sorted(used.items())) or "n/a")]
    for (backend, missing), n in sorted(used.items()):
        if missing:
            lines.append(f"- **WARNING: {n} slots ran their ladder on the {backend} sandbox, which does not isolate "
                         f"{missing.replace(',', ', ')}**")
    return lines


def summarize(rows: list[dict[str, Any]], diversity: dict[str, Any], wall_seconds: float) -> str:
    """The build's markdown summary: counts per seed / modality / metric, yield, failure reasons, stage timings."""
    status = Counter(r["status"] for r in rows)
    accepted = [r for r in rows if r["status"] == "accepted"]
    drafted = len(rows)
    lines = [
        "# sandmle corpus build",
        "",
        f"- environments: {drafted} slots, **{status.get('accepted', 0)} accepted**, "
        f"{status.get('rejected', 0)} rejected, {status.get('failed', 0)} failed, "
        f"{status.get('duplicate', 0)} near-duplicates dropped",
        f"- yield: {status.get('accepted', 0) / drafted:.1%}" if drafted else "- yield: n/a",
        f"- wall time: {wall_seconds:.1f} s ({60 * len(accepted) / max(wall_seconds, 1e-9):.1f} accepted per minute)",
        f"- diversity: {diversity.get('distinct_domains', 0)} domains, {diversity.get('distinct_schemas', 0)} schemas",
        f"- LLM usage: {sum(r.get('input_tokens') or 0 for r in rows):,} input / "
        f"{sum(r.get('output_tokens') or 0 for r in rows):,} output / "
        f"{sum(r.get('cache_read_tokens') or 0 for r in rows):,} cache-read tokens, "
        f"${sum(r.get('cost_usd') or 0.0 for r in rows):.2f}",
        *_sandbox_lines(rows),
        "",
        "| group | value | accepted | total |",
        "|---|---|---|---|",
    ]
    for key in ("seed_id", "modality", "metric"):
        for value in sorted({str(r.get(key)) for r in rows}):
            mine = [r for r in rows if str(r.get(key)) == value]
            ok = sum(r["status"] == "accepted" for r in mine)
            lines.append(f"| {key} | {value} | {ok} | {len(mine)} |")
    reasons = Counter((r.get("stage") or "?", (r.get("reason") or "")[:80]) for r in rows
                      if r["status"] in ("rejected", "failed"))
    if reasons:
        lines += ["", "## Failure reasons", "", "| stage | reason | count |", "|---|---|---|"]
        lines += [f"| {s} | {m.replace('|', '/')} | {n} |" for (s, m), n in reasons.most_common()]
    stages: dict[str, list[float]] = {}
    for r in accepted:
        for k, v in json.loads(r.get("timings_json") or "{}").items():
            stages.setdefault(k, []).append(v)
    if stages:
        lines += ["", "## Stage timings (accepted environments)", "", "| stage | median s | total s |", "|---|---|---|"]
        for k, vs in sorted(stages.items()):
            vs = sorted(vs)
            lines.append(f"| {k} | {vs[len(vs) // 2]:.3f} | {sum(vs):.2f} |")
    return "\n".join(lines) + "\n"


def regeneration_jobs(corpus_root: str | Path, backend: str = "offline",
                      sandbox_backend: str | None = None, max_attempts: int = DEFAULT_ATTEMPTS) -> list[SlotJob]:
    """One job per failure record: the same slot, continuing the attempt count (fresh rng seed per attempt)."""
    corpus = Corpus(Path(corpus_root))
    jobs = []
    for record in read_failures(corpus):
        seed_id, path = analyze_seed(record.seed_ref, corpus.root) if not profile_path(
            corpus, record.seed_id).is_file() else (record.seed_id, profile_path(corpus, record.seed_id))
        modality = json.loads(Path(path).read_text())["modality"]
        jobs.append(SlotJob(seed_id, record.seed_ref, str(path), record.index, record.rng_seed, str(corpus.root),
                            backend or record.backend, sandbox_backend, max_attempts,
                            first_attempt=record.attempts + 1, env_id=record.env_id, modality=modality))
    return jobs


def build_plain(seed_refs: Iterable[str], out: str | Path, per_seed: int, rng_seed: int = 0,
                backend: str = "offline", check_contracts: ContractChecker | None = None,
                on_row: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """The whole build in one process without an orchestrator (the benchmark's baseline)."""
    start = time.perf_counter()
    corpus = Corpus(Path(out))
    corpus.root.mkdir(parents=True, exist_ok=True)
    rows = []
    for ref in seed_refs:
        seed_id, path = analyze_seed(ref, corpus.root)
        for job in plan_slots(seed_id, ref, path, per_seed, rng_seed, corpus.root, backend):
            row = run_slot(job, check_contracts)
            append_manifest(corpus, [ManifestRow.model_validate(row)])  # per slot: a killed build keeps its rows
            rows.append(row)
            if on_row:
                on_row(row)
    rows, diversity = filter_corpus(corpus.root, rows)
    append_manifest(corpus, [ManifestRow.model_validate(r) for r in rows])
    wall = time.perf_counter() - start
    return {"rows": rows, "diversity": diversity, "wall_seconds": wall, "summary": summarize(rows, diversity, wall)}


def validate_environment(env_dir: str | Path, check_contracts: ContractChecker | None = None) -> dict[str, Any]:
    """Re-check one published environment: file hashes, contracts, graders and leakage; every problem is listed.

    Returns:
        {"env_id", "ok", "problems": [str, ...], "checks": n} — never raises for a broken environment.
    """
    from types import SimpleNamespace

    import pandas as pd

    from sandmle_core.agents.checks import grader_checks, leakage_checks
    from sandmle_core.errors import SandmleError
    from sandmle_core.grading import grade_submission
    from sandmle_core.layout import read_environment
    from sandmle_core.taskspec import TaskSpec

    env_dir = Path(env_dir)
    problems: list[str] = []
    n = 0
    try:
        env = read_environment(env_dir, verify_hashes=True)
        spec = TaskSpec.model_validate(env.config.sandmle.spec)
    except (SandmleError, ValueError) as exc:
        return {"env_id": env_dir.name, "ok": False, "problems": [f"format: {exc}"], "checks": 1}
    if check_contracts is not None:
        try:
            results = check_contracts(env_dir, spec)
            n += len(results)
        except SandmleError as exc:
            problems.append(f"contracts: {exc}")
    try:
        private = env_dir / "prepared" / "private"
        oracle = grade_submission(pd.read_csv(private / "oracle_submission.csv"),
                                  pd.read_csv(private / "answers.csv"), spec.grading)
        checks = grader_checks(spec, env_dir, SimpleNamespace(oracle_score=oracle))  # type: ignore[arg-type]
        checks += leakage_checks(spec, env_dir)
        n += len(checks)
        problems += [f"{c.group}/{c.name}: {c.detail} ({c.figure})" for c in checks if not c.passed]
    except (SandmleError, OSError, ValueError, KeyError) as exc:
        problems.append(f"graders: {type(exc).__name__}: {exc}")
    return {"env_id": env_dir.name, "ok": not problems, "problems": problems, "checks": n}
