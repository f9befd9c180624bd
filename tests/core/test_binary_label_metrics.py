"""A binary seed graded by a label metric (accuracy): the drafted environment's oracle and ladder write class labels,
never probabilities, so the build's graders accept them (issue 13: such a seed built nothing)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.envfolder import EnvFolder
from sandmle_core.grading import grade_submission
from sandmle_core.ladder import ladder_for
from sandmle_core.ladder.configs import config_from_spec
from sandmle_core.modalities import get_kit
from sandmle_core.profile import profile_seed
from sandmle_core.seeds import load_seed
from sandmle_core.spec import TaskType
from tests.fixtures.mlebench import write_competition

COMP = "tabular-playground-series-may-2022"  # tabular, binary; its grader renamed to accuracy below


@pytest.fixture(scope="module")
def accuracy_seed(tmp_path_factory):
    root = tmp_path_factory.mktemp("binary-accuracy")
    paths = write_competition(COMP, root, "combined")
    config = paths["competition"] / "config.yaml"
    config.write_text(config.read_text().replace("name: auc-roc", "name: accuracy"))
    return profile_seed(load_seed(paths["competition"]))


def test_the_seed_is_profiled_binary_accuracy(accuracy_seed):
    assert accuracy_seed.task_type == TaskType.BINARY and accuracy_seed.grading.metric == "accuracy"


def _run(script, work: Path) -> pd.DataFrame:
    (work / script.filename).write_text(script.source)
    env = {**os.environ, "SANDMLE_SEED": "0", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, script.filename], cwd=work, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return pd.read_csv(work / "submission.csv", dtype=str)


def test_oracle_and_ladder_write_labels_that_grade(accuracy_seed, tmp_path):
    spec = OfflineStrategist().draft_spec("binary-accuracy", accuracy_seed, index=0, rng_seed=3)
    assert spec.task_type == TaskType.BINARY and spec.grading.metric == "accuracy"
    folder = EnvFolder.of(tmp_path / "env")
    get_kit(spec.modality).synthesize(spec, folder)
    column = spec.grading.submission_columns[0]
    oracle = pd.read_csv(folder.oracle_submission, dtype=str)
    assert set(oracle[column]) <= set(spec.grading.classes)  # labels, not probabilities
    oracle_score = grade_submission(folder.oracle_submission, folder.answers, spec.grading)
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "public").symlink_to(folder.public.resolve())
    scripts = ladder_for(config_from_spec(spec))
    for script in (scripts[0], scripts[3]):  # the prior and a fitted model: both write labels that grade
        submission = _run(script, tmp_path / "work")
        assert set(submission[column]) <= set(spec.grading.classes)
        score = grade_submission(tmp_path / "work" / "submission.csv", folder.answers, spec.grading)
        assert 0.0 <= score <= 1.0
    assert oracle_score > score - 0.05  # the Bayes labels are at least about as good as the fitted model's
