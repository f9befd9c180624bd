"""One audio environment built end to end from the bundled whale-calls seed: accepted with monotone thresholds that
beat the sample, a byte-identical rebuild, planted faults (a label in the clip file names, the answers in public, a
grader that ignores ids) rejected, and both exports (mle-bench's layout, SandMLE's evaluator contract) hold.
K=1 here; the K=10 figure is in the README (a `sandmle build --seed whale-calls --per-seed 10` run)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sandmle.bench.plain import build_plain

from sandmle_core.agents.base import LadderRun
from sandmle_core.agents.checks import grader_checks, leakage_checks
from sandmle_core.consume.exports import export_mlebench, export_sandmle
from sandmle_core.envfolder import EnvFolder
from sandmle_core.grading import grade_submission
from sandmle_core.layout import Corpus, hash_files, read_environment
from sandmle_core.metrics import get_metric
from sandmle_core.records import read_manifest
from sandmle_core.taskspec import TaskSpec
from tests.fixtures.rebuild import first_accepted, rebuild_slot

pytestmark = pytest.mark.slow
# K=1: every test here reads the first accepted environment (the thresholds, the rebuild, the planted faults, the
# exports), so the other two slots only proved yield, which tests/pipeline/test_corpus_quality.py measures for
# whale-calls at K=10; with one slot the yield assertion is exact (every slot accepted) instead of all but one.
SEED, K, RNG = "whale-calls", 1, 31


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("audio-corpus")
    result = build_plain([SEED], out, per_seed=K, rng_seed=RNG)
    return out, result


def _accepted(out: Path) -> list[Path]:
    rows = read_manifest(Corpus(out)).to_pylist()
    return [Corpus(out).env_dir(r["env_id"]) for r in rows if r["status"] == "accepted"]


def _failed(checks) -> set[str]:
    return {c.name for c in checks if not c.passed}


def test_audio_environments_are_accepted_with_sound_thresholds(corpus):
    out, _ = corpus
    rows = read_manifest(Corpus(out)).to_pylist()
    assert len(rows) == K and sum(r["status"] == "accepted" for r in rows) == K, rows
    for env_dir in _accepted(out):
        env = read_environment(env_dir)
        spec = TaskSpec.model_validate(env.config.sandmle.spec)
        assert (spec.modality, spec.task_type, spec.grading.metric) == ("audio", "binary", "auc")
        checks = {c["name"]: c for c in json.loads((env_dir / "validation.json").read_text())["checks"]}
        for name in ("thresholds_strictly_monotone", "thresholds_beat_sample", "gold_short_of_optimum",
                     "ladder_order_kept", "media_files_hide_label"):
            assert checks[name]["passed"], (env_dir.name, name, checks[name])
        t = env.config.sandmle.thresholds
        assert t.gold > t.silver > t.bronze and t.gold != get_metric("auc").optimum
        assert len(list((env_dir / "prepared" / "public" / "clips").glob("*.wav"))) == spec.n_train + spec.n_test
        description = (env_dir / "description.md").read_text()
        assert "clips/" in description and "WAV" in description
        assert "flattened" not in description and "species" not in description  # the mlsp wording stays in mlsp


def test_rebuild_is_byte_identical(corpus, tmp_path):
    out, _ = corpus
    row, first = first_accepted(out)
    again = rebuild_slot(SEED, K, RNG, row["index"], row["env_id"], tmp_path / "again")
    assert hash_files(first, exclude=()) == hash_files(again, exclude=())


@pytest.fixture
def staged(corpus, tmp_path):
    """A copy of an accepted environment to plant faults in."""
    out, _ = corpus
    env_dir = _accepted(out)[0]
    copy = tmp_path / env_dir.name
    shutil.copytree(env_dir, copy)
    spec = TaskSpec.model_validate(read_environment(copy).config.sandmle.spec)
    return spec, copy


def test_planted_label_in_file_names_is_rejected(staged):
    spec, staging = staged
    assert "media_files_hide_label" not in _failed(leakage_checks(spec, staging))
    public = staging / "prepared" / "public"
    train = pd.read_csv(public / "train.csv")
    target = spec.target.columns[0]
    renamed = []
    for rel, label in zip(train["clip"], train[target], strict=True):  # the whale challenge's ..._1.wav naming
        new = rel.replace(".wav", f"_{label}.wav")
        (public / rel).rename(public / new)
        renamed.append(new)
    train["clip"] = renamed
    train.to_csv(public / "train.csv", index=False)
    assert "media_files_hide_label" in _failed(leakage_checks(spec, staging))


def test_planted_label_in_file_sizes_is_rejected(staged):
    spec, staging = staged
    public = staging / "prepared" / "public"
    train = pd.read_csv(public / "train.csv")
    for rel, label in zip(train["clip"], train[spec.target.columns[0]], strict=True):
        if label == 1:  # positives recorded longer: a padded tail of silence
            (public / rel).write_bytes((public / rel).read_bytes() + b"\0" * 800)
    assert "media_files_hide_label" in _failed(leakage_checks(spec, staging))


def test_planted_answers_in_public_and_grader_ignoring_ids_are_rejected(staged):
    spec, staging = staged
    folder = EnvFolder(staging)
    answers = pd.read_csv(folder.answers)
    oracle = grade_submission(pd.read_csv(folder.oracle_submission), answers, spec.grading)
    ladder = LadderRun(runs=[], sample_score=0.5, oracle_score=oracle, perfect_score=1.0, compute_seconds=0.0,
                       wall_seconds=0.0)
    assert not _failed(grader_checks(spec, staging, ladder))
    answers.to_csv(staging / "prepared" / "public" / "sample_submission.csv", index=False)
    target = spec.target.columns[0]
    (staging / "grade.py").write_text(
        "from sklearn.metrics import roc_auc_score\n\n\n"
        "def grade(submission, answers):\n"
        f"    return round(float(roc_auc_score(answers[{target!r}], submission[{target!r}])), 5)\n")
    failed = _failed(grader_checks(spec, staging, ladder))
    assert {"sample_uninformed", "shuffled_rows_same_score"} <= failed, failed


def test_exports_keep_the_mlebench_layout_and_the_sandmle_evaluator_contract(corpus, tmp_path):
    out, _ = corpus
    export_mlebench(out, tmp_path / "mlebench")
    export_sandmle(out, tmp_path / "sandmle")
    env_dir = _accepted(out)[0]
    env_id = env_dir.name
    comp = next(p for p in (tmp_path / "mlebench").rglob("config.yaml") if env_id in str(p)).parent
    config = yaml.safe_load((comp / "config.yaml").read_text())
    assert config["id"] == env_id
    public = next(p for p in (tmp_path / "mlebench").rglob("public") if env_id in str(p))
    assert (public / "clips").is_dir() and (public / "sample_submission.csv").is_file()
    assert (public.parent / "private" / "answers.csv").read_text() not in (public / "train.csv").read_text()
    gold = tmp_path / "gold.csv"
    gold.write_bytes((env_dir / "prepared" / "private" / "gold_submission.csv").read_bytes())
    done = subprocess.run([sys.executable, "evaluator.py", "--submission_path", str(gold)],
                          cwd=tmp_path / "sandmle" / env_id / "prepared" / "public", capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert set(printed) == {"score", "is_lower_better", "gold_threshold", "silver_threshold", "bronze_threshold",
                            "median_threshold"}
    assert printed["is_lower_better"] is False and printed["score"] >= printed["median_threshold"]
