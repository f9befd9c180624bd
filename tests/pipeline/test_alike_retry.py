"""A slot withheld at publish as alike in pixel statistics is redrawn, not lost (issue 16), on real builds of the
bundled digits seed.

The twins are planted: a real environment of another slot (its own seed, domain and schema, so that only the pixel
rule can make it a twin) is copied into the corpus with the public images of the attempt the target slot lands on
when nothing stands in its way. The target's rebuild renders those very images (distance 0) and must be withheld as
alike to the carrier, then land on a later attempt — the same attempt, the same bytes, in a second build. With a
second carrier holding the images of that later attempt too, every attempt is alike or rejected: the slot must end
failed with the reason (manifest row, failure record, report, the flow run Failed), and `regenerate` must land it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sandmle_core.generate import ALIKE_ERROR
from sandmle_core.image_index import ALIKE_REASON
from sandmle_core.layout import Corpus, hash_files, read_config
from sandmle_core.pipeline import SlotJob, analyze_seed, plan_slots, read_profile, regeneration_jobs, run_slot
from sandmle_core.records import ManifestRow, read_failures, read_manifest
from sandmle_core.report import image_variety, variety_markdown

pytestmark = pytest.mark.slow

SEED, RNG = "digits", 2026
TARGET = 1  # the slot that meets planted twins; slots 0 and 2 carry them


def _build(root: Path, per_seed: int, max_attempts: int = 4) -> dict[int, ManifestRow]:
    """The slots of `per_seed` not yet published in `root`, built for real in index order (one worker, no
    contracts); index → manifest row."""
    _, profile = analyze_seed(SEED, root)
    return {job.key.index: run_slot(job) for job in plan_slots(SEED, read_profile(profile), per_seed, RNG, root,
                                                               max_attempts=max_attempts)}


def _plant(root: Path, carrier: Path, images_of: Path) -> str:
    """Publish a copy of `carrier` in `root` whose public images are those of `images_of`; returns its env id."""
    copy = Corpus(root).env_dir(carrier.name)
    shutil.copytree(carrier, copy)
    shutil.rmtree(copy / "prepared" / "public" / "images")
    shutil.copytree(images_of / "prepared" / "public" / "images", copy / "prepared" / "public" / "images")
    return carrier.name


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> tuple[Path, dict[int, ManifestRow]]:
    """Slots 0-2 built into a scratch corpus with nothing in their way."""
    root = tmp_path_factory.mktemp("source")
    rows = _build(root, per_seed=3)
    assert [rows[i].status for i in range(3)] == ["accepted"] * 3, rows
    return root, rows


def _retried_build(root: Path, source: tuple[Path, dict[int, ManifestRow]]) -> tuple[str, ManifestRow]:
    """A corpus holding slot 0's environment with the images of the target's first landing; the target built."""
    src, rows = source
    carrier = _plant(root, Corpus(src).env_dir(rows[0].env_id), Corpus(src).env_dir(rows[TARGET].env_id))
    built = _build(root, per_seed=TARGET + 1)
    assert sorted(built) == [TARGET], built  # slot 0 counts as published: the planted carrier stands for it
    return carrier, built[TARGET]


@pytest.fixture(scope="module")
def retried(source, tmp_path_factory) -> tuple[Path, str, ManifestRow]:
    root = tmp_path_factory.mktemp("retried")
    carrier, row = _retried_build(root, source)
    return root, carrier, row


def test_a_slot_withheld_as_alike_lands_on_a_later_attempt_and_says_so(source, retried):
    _, rows = source
    root, carrier, row = retried
    first = rows[TARGET]
    assert row.status == "accepted", row
    # a later attempt landed (one after the withheld one may still be rejected by the verifier, as any attempt)
    assert row.attempts > first.attempts and row.env_id != first.env_id, row
    told = (f"attempt {first.attempts} ({first.env_id}) withheld as alike to {carrier} ({ALIKE_REASON}: "
            "distance 0.0000")
    assert row.notes is not None and told in row.notes, row.notes
    # every earlier attempt is told in order: the alike one, and the rejected ones with their stage and reason
    told_at = [row.notes.index(f"attempt {n} (") for n in range(1, row.attempts)]
    assert told_at == sorted(told_at) and row.notes.count(" rejected at ") == row.attempts - 2, row.notes
    assert f"attempt {row.attempts} (" not in row.notes, row.notes
    assert json.loads(row.timings_json)["alike_withheld"] == 1.0
    assert row.seconds_total == pytest.approx(sum(v for k, v in json.loads(row.timings_json).items()
                                                  if k not in ("alike_withheld", "ladder_compute", "ladder_cpu",
                                                               "ladder_scripts_cpu", "host_cpu", "ladder_warm",
                                                               "full_scale_cpu")), abs=1e-3)
    corpus = Corpus(root)
    assert sorted(p.name for p in corpus.environment_dirs()) == sorted([carrier, row.env_id])
    assert read_config(corpus.env_dir(row.env_id)).sandmle.provenance.attempt == row.attempts
    assert read_failures(corpus) == []  # it landed: no failure record
    assert not any(corpus.staging_dir.glob(f"{SEED}-*"))  # the withheld attempt left no staging folder

    variety = image_variety(corpus, [row])
    assert variety["withheld"] == [] and [r[0] for r in variety["retried"]] == [row.env_id], variety
    told_in_summary = variety_markdown(variety)
    assert f"1 landed on a retry after an attempt was withheld at publish as alike: {row.env_id} after " in (
        told_in_summary) and told in told_in_summary


def test_the_retry_is_deterministic_byte_for_byte(source, retried, tmp_path):
    root, _, row = retried
    _, again = _retried_build(tmp_path / "again", source)
    assert (again.env_id, again.attempts, again.notes) == (row.env_id, row.attempts, row.notes)
    assert hash_files(Corpus(tmp_path / "again").env_dir(again.env_id), exclude=()) == hash_files(
        Corpus(root).env_dir(row.env_id), exclude=())


def test_a_slot_alike_on_every_attempt_fails_with_its_reason_and_regenerates(source, retried, prefect_api, tmp_path):
    from sandmle.flows.build_corpus import build_corpus

    src, rows = source
    _, _, landed = retried
    retried_root = retried[0]
    first = rows[TARGET]
    root = tmp_path / "corpus"
    twin_first = _plant(root, Corpus(src).env_dir(rows[0].env_id), Corpus(src).env_dir(first.env_id))
    twin_next = _plant(root, Corpus(src).env_dir(rows[2].env_id), Corpus(retried_root).env_dir(landed.env_id))
    attempts = landed.attempts  # the attempt that landed above is the last one allowed here

    state = build_corpus(seeds=[SEED], out=str(root), per_seed=3, rng_seed=RNG, workers=1, max_attempts=attempts,
                         contracts=False, return_state=True)
    assert state.is_failed() and "1 slot(s) failed" in (state.message or ""), state.message
    corpus = Corpus(root)
    row = next(r for r in read_manifest(corpus).to_pylist() if r["index"] == TARGET)
    # the same attempts as the build above (deterministic keys), each withheld, the last as the slot's reason
    assert (row["status"], row["stage"], row["attempts"], row["env_id"], row["data_hash"]) == (
        "failed", "publish", attempts, landed.env_id, None), row
    assert row["reason"].startswith(f"attempt {attempts} ({landed.env_id}) withheld as alike to {twin_next} "
                                    f"({ALIKE_REASON}: distance 0.0000"), row["reason"]
    assert f"withheld as alike to {twin_first}" in row["notes"] and json.loads(row["timings_json"])[
        "alike_withheld"] == 2.0
    assert sorted(p.name for p in corpus.environment_dirs()) == sorted([twin_first, twin_next])  # nothing landed

    (record,) = read_failures(corpus)
    assert (record.env_id, record.stage, record.error_type, record.attempts) == (
        landed.env_id, "publish", ALIKE_ERROR, attempts)
    alike = [(h["attempt"], h["env_id"]) for h in record.history if h["error_type"] == ALIKE_ERROR]
    assert alike == [(first.attempts, first.env_id), (attempts, landed.env_id)], record.history
    assert [h["attempt"] for h in record.history] == list(range(1, attempts + 1))

    report = json.loads((root / "report.json").read_text())
    assert [w[0] for w in report["this_run"]["image_variety"]["withheld"]] == [landed.env_id], report
    assert "withheld at publish as alike to a published environment, no attempt landed" in (
        root / "report.md").read_text()

    # regenerate continues the attempt count: the next attempt is alike to neither carrier and lands
    _, profile = analyze_seed(SEED, root)
    (job,) = regeneration_jobs(root, {SEED: read_profile(profile)}, max_attempts=1)
    assert isinstance(job, SlotJob) and job.first_attempt == attempts + 1
    again = run_slot(job)
    assert again.status == "accepted" and again.attempts == attempts + 1, again
    assert read_failures(corpus) == []
