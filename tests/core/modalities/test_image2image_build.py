"""Image-to-image environments built end to end from the denoising-dirty-documents fixture: accepted with monotone
thresholds that beat the sample, a byte-identical rebuild, and planted faults (the clean targets in the public
folder, a grader that ignores ids) rejected. K=1 here to keep the suite short (a slot takes minutes on a loaded
machine); the K=2 figure is in the README."""

from __future__ import annotations

import json

import pytest
import yaml
from sandmle.bench.plain import build_plain

from sandmle_core.agents.checks import grader_checks
from sandmle_core.layout import Corpus, hash_files
from sandmle_core.records import read_manifest
from sandmle_core.seeds import seed_refs
from tests.fixtures.mlebench import write_competition
from tests.fixtures.rebuild import first_accepted, rebuild_slot
from tests.fixtures.shape_checks import staged_for_grader_checks

pytestmark = [pytest.mark.slow, pytest.mark.heavy(105)]
COMP, K, RNG = "denoising-dirty-documents", 1, 7


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("img2img")
    paths = write_competition(COMP, root / "mlebench", "split")
    refs = seed_refs([str(paths["competition"])], data_dir=paths["data"])
    build_plain(refs, root / "corpus", per_seed=K, rng_seed=RNG)
    return root / "corpus", refs[0]


def _accepted(out):
    rows = read_manifest(Corpus(out)).to_pylist()
    return rows, [Corpus(out).env_dir(r["env_id"]) for r in rows if r["status"] == "accepted"]


def test_environments_are_accepted_and_keep_the_denoising_dna(built):
    out, _ = built
    rows, accepted = _accepted(out)
    assert len(rows) == K and len(accepted) == K, rows  # the README has K=2: 2 of 2 accepted
    for env_dir in accepted:
        config = yaml.safe_load((env_dir / "config.yaml").read_text())["sandmle"]
        assert (config["modality"], config["task_type"], config["grading"]["metric"]) == (
            "image-to-image", "per-pixel regression", "rmse")
        checks = {c["name"]: c for c in json.loads((env_dir / "validation.json").read_text())["checks"]}
        for name in ("thresholds_strictly_monotone", "thresholds_beat_sample", "gold_short_of_optimum",
                     "ladder_order_kept"):
            assert checks[name]["passed"], (env_dir.name, name, checks[name])
        public = env_dir / "prepared" / "public"
        assert {p.name for p in public.iterdir()} >= {"train", "train_cleaned", "test", "sample_submission.csv"}
        assert "<page id>_<row>_<column>" in (env_dir / "description.md").read_text()


def test_rebuild_is_byte_identical(built, tmp_path):
    out, ref = built
    row, first = first_accepted(out)
    again = rebuild_slot(ref, K, RNG, row["index"], row["env_id"], tmp_path / "again")
    assert hash_files(first, exclude=()) == hash_files(again, exclude=())


def test_clean_targets_in_public_and_a_grader_ignoring_ids_are_rejected(built, tmp_path):
    out, _ = built
    env_dir = _accepted(out)[1][0]
    staging, spec, folder, answers, ladder = staged_for_grader_checks(env_dir, tmp_path, sample_score=0.3)
    assert not [c.name for c in grader_checks(spec, staging, ladder) if not c.passed]
    answers.to_csv(folder.sample_submission, index=False)  # the clean test pixels published as the sample
    (staging / "grade.py").write_text(
        "import numpy as np\n\n\ndef grade(submission, answers):\n"
        "    return round(float(np.sqrt(np.mean((submission['value'].to_numpy() - answers['value'].to_numpy()) ** 2)))"
        ", 5)\n")
    failed = {c.name for c in grader_checks(spec, staging, ladder) if not c.passed}
    assert {"sample_uninformed", "shuffled_rows_same_score"} <= failed, failed
