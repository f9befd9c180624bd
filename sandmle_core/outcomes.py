"""How a slot ended — `SlotOutcome` — and the manifest row it becomes.

The last two values of a slot's one-way pipeline: `generate.generate_slot` returns a `SlotOutcome` (the slot, its
final spec and verdict, the hashes `finalize_environment` computed, timings and usage), and `manifest_row` turns it
into the typed `ManifestRow` the manifest writer stores. Nothing here reads a file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sandmle_core.agents.base import Usage, Verdict
from sandmle_core.records import ManifestRow
from sandmle_core.sandbox.base import Isolation
from sandmle_core.slots import SlotKey
from sandmle_core.taskspec import TaskSpec

__all__ = ["PART_TIMINGS", "EnvHashes", "SlotOutcome", "manifest_row", "usage_json"]

PART_TIMINGS = frozenset({"ladder_compute", "ladder_scripts_cpu", "ladder_cpu", "host_cpu", "full_scale_cpu",
                          "ladder_warm", "alike_withheld"})
"""Timings that measure a part of another stage (the seconds inside the ladder scripts, a part of `ladder`) or CPU
seconds (the scripts', the whole sandboxed ladder's, the slot's host thread's) or counts (`ladder_warm`, and
`alike_withheld`: the slot's attempts withheld at publish as alike): kept in timings_json, left out of seconds_total
(counting them too made an environment look 1.5-2x slower than it was)."""


@dataclass(frozen=True)
class EnvHashes:
    """The hashes config.yaml records: the spec's, the public schema's, the data's (everything under prepared/),
    and every file's sha256 (config.yaml excepted)."""

    spec_hash: str
    schema_hash: str
    data_hash: str
    files: dict[str, str]


@dataclass(frozen=True)
class SlotOutcome:
    """How one slot ended.

    `status` is accepted (published), duplicate (built, but withheld: a published environment of the same data, or
    of the same seed, domain and schema, is its near-duplicate), rejected (the verifier never accepted it), failed (a
    stage kept failing, or every attempt was withheld at publish as alike in pixel statistics), or cached (already
    published by an earlier run: not rebuilt). `earlier` tells each earlier attempt of the slot in order: withheld as
    alike, or rejected with its stage and reason (a landed slot's manifest notes carry them: it landed on a retry).
    """

    key: SlotKey
    env_id: str
    status: str
    attempts: int
    spec: TaskSpec | None
    verdict: Verdict | None
    timings: dict[str, float]
    usage: Usage
    hashes: EnvHashes | None = None
    stage: str | None = None
    error_type: str | None = None
    message: str | None = None
    sandbox: Isolation | None = None  # where the ladder ran, and what that sandbox did not isolate
    earlier: tuple[str, ...] = ()  # the earlier attempts: withheld as alike, or rejected (`slot_ends.told_rejected`)

    @property
    def slot(self) -> str:
        return str(self.key)


def usage_json(usage: Usage) -> str | None:
    """The manifest's usage_json: the breakdown of an LLM-built slot's usage (None when no model was called)."""
    return json.dumps(usage.breakdown(), sort_keys=True) if usage.calls else None


def manifest_row(outcome: SlotOutcome, backend: str) -> ManifestRow:
    """The manifest's row for a slot outcome (a cached slot is recorded as accepted)."""
    spec, verdict, hashes = outcome.spec, outcome.verdict, outcome.hashes
    t = verdict.thresholds if verdict else None
    key = outcome.key
    return ManifestRow(
        slot=str(key), env_id=outcome.env_id, seed_id=key.seed_id, index=key.index, rng_seed=key.rng_seed,
        attempt_rng_seed=spec.rng_seed if spec else key.rng_seed, attempts=outcome.attempts,
        status="accepted" if outcome.status == "cached" else outcome.status, stage=outcome.stage,
        reason=outcome.message, backend=backend, model=outcome.usage.model,
        modality=spec.modality.value if spec else None, task_type=spec.task_type.value if spec else None,
        metric=spec.grading.metric if spec else None, lower_is_better=spec.dna.lower_is_better if spec else None,
        domain=spec.domain.key if spec else None, difficulty=spec.difficulty if spec else None,
        n_train=spec.n_train if spec else None, n_test=spec.n_test if spec else None,
        n_features=len(spec.columns) if spec else None,
        sample_score=verdict.sample_score if verdict else None,
        reference_score=verdict.reference_score if verdict else None,
        oracle_score=verdict.oracle_score if verdict else None,
        gold=t.gold if t else None, silver=t.silver if t else None, bronze=t.bronze if t else None,
        median=t.median if t else None, kendall_tau=verdict.kendall_tau if verdict else None,
        spec_hash=hashes.spec_hash if hashes else spec.spec_hash() if spec else None,
        data_hash=hashes.data_hash if hashes else None,
        schema_hash=hashes.schema_hash if hashes else spec.schema_signature() if spec else None,
        input_tokens=outcome.usage.input_tokens, output_tokens=outcome.usage.output_tokens,
        cache_read_tokens=outcome.usage.cache_read_tokens, cache_write_tokens=outcome.usage.cache_write_tokens,
        cost_usd=outcome.usage.cost_usd, usage_json=usage_json(outcome.usage),
        seconds_total=round(sum(v for k, v in outcome.timings.items() if k not in PART_TIMINGS), 4),
        timings_json=json.dumps({k: round(v, 4) for k, v in sorted(outcome.timings.items())}),
        sandbox_backend=outcome.sandbox.backend if outcome.sandbox else None,
        sandbox_missing=",".join(outcome.sandbox.missing) if outcome.sandbox else None,
        notes="; ".join([*(verdict.notes if verdict else []), *outcome.earlier]) or None,
    )
