"""Manifest rows for environments that were published but never recorded.

A slot's row is written right after its environment is published; a build killed between the two leaves a published
environment the manifest does not know, and a resumed build skips the slot (it is published). `unrecorded_rows`
rebuilds those rows from the environment's own files — config.yaml (spec, thresholds, hashes, provenance, usage) and
validation.json (the verifier's figures) — so the next build's manifest writer records them. Stage timings are not
in those files (they differ run to run), so a recovered row has none. This is the only place the build reads back
what a slot wrote, and only for slots whose own row was lost.
"""

from __future__ import annotations

import json

from sandmle_core.agents.base import Usage
from sandmle_core.envfolder import EnvFolder
from sandmle_core.layout import Corpus, read_config
from sandmle_core.outcomes import usage_json
from sandmle_core.publish import published_environments
from sandmle_core.records import ManifestRow, read_manifest
from sandmle_core.slots import SlotKey
from sandmle_core.taskspec import TaskSpec

__all__ = ["recorded_row", "unrecorded_rows"]


def recorded_row(folder: EnvFolder) -> ManifestRow:
    """The manifest row of a published environment, from its config.yaml and validation.json."""
    block = read_config(folder.root).sandmle
    spec = TaskSpec.model_validate(block.spec)
    report = json.loads(folder.validation.read_text())
    prov, t = block.provenance, block.thresholds
    usage = Usage.model_validate(block.usage) if block.usage else Usage(model=prov.model)
    key = SlotKey(prov.seed_id, prov.rng_seed, prov.index)
    return ManifestRow(
        slot=str(key), env_id=folder.name, seed_id=key.seed_id, index=key.index, rng_seed=key.rng_seed,
        attempt_rng_seed=spec.rng_seed, attempts=prov.attempt, status="accepted", backend=prov.backend,
        model=prov.model, modality=spec.modality.value, task_type=spec.task_type.value, metric=spec.grading.metric,
        lower_is_better=spec.dna.lower_is_better, domain=spec.domain.key, difficulty=spec.difficulty,
        n_train=spec.n_train, n_test=spec.n_test, n_features=len(spec.columns),
        sample_score=report.get("sample_score"), reference_score=report.get("reference_score"),
        oracle_score=report.get("oracle_score"), kendall_tau=report.get("kendall_tau"),
        gold=t.gold, silver=t.silver, bronze=t.bronze, median=t.median, spec_hash=block.spec_hash,
        data_hash=block.data_hash, schema_hash=spec.schema_signature(), input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens, cache_read_tokens=usage.cache_read_tokens,
        cache_write_tokens=usage.cache_write_tokens, cost_usd=usage.cost_usd, usage_json=usage_json(usage),
    )


def unrecorded_rows(corpus: Corpus) -> list[ManifestRow]:
    """Rows for every published environment whose slot has no row in the manifest (normally none).

    Raises:
        EnvironmentFormatError: naming an environment whose files cannot be read.
    """
    recorded = {(r["slot"], r["env_id"]) for r in read_manifest(corpus).to_pylist()}
    return [recorded_row(corpus.env_folder(env_id)) for env_id, fp in sorted(published_environments(corpus).items())
            if (fp.slot, env_id) not in recorded]
