"""The audio ladder's top level must not fall below level 3's extra trees (issue 14, K=10 tau on whale-calls).

Measured at K=10 on whale-calls (100-170 training clips), the old top level (three boosters on every feature family
blended 3:1 with extra trees) scored below level 3's extra trees in 7 of 10 slots: the boosters are weaker than the
forest on that few clips and carried three quarters of the blend. The test drafts two small detection tasks the way
the family does (an event from `draw_event`, the nuisance from the drafter at a middling difficulty, clips from
`render_clips`), runs the real generated scripts (plain subprocesses, one thread each: the scripts are sandmle's
own) with rng seed 0, and fails when level 5 scores below level 3. On these two tasks the old top level also kept
the order; the K=10 slots that it did not keep take minutes each, too long for the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from sandmle_core.ladder import LadderConfig, ladder_for
from sandmle_core.modalities.audio.drafter import _nuisance, draw_event
from sandmle_core.modalities.audio.rule import AudioRule, SoundEvent
from sandmle_core.modalities.audio.synthesizer import render_clips, write_wav
from sandmle_core.spec import Modality, TaskType

CONFIG = LadderConfig(modality=Modality.AUDIO, task_type=TaskType.BINARY, metric="auc", metric_kind="probability",
                      id_column="clip_id", target_columns=("call",), submission_columns=("call",),
                      classes=("0", "1"), audio_column="clip")
SILENT = SoundEvent(kind="none", f0=0.0, f1=0.0, duration=0.0, rate=0.0, depth=0.0, harmonics=1)


def _task(root, kind: str, rng_seed: int, n_train: int = 130, n_test: int = 200) -> np.ndarray:
    """A detection task of the family's shape under `root/public`; returns the test clips' true labels."""
    rng = np.random.default_rng(rng_seed)
    rule = AudioRule(events=(SILENT, draw_event(kind, rng)), class_weights=(0.72, 0.28),
                     **_nuisance(rng, 0.8, 0.6, False, False))  # type: ignore[arg-type]
    labels = (rng.random(n_train + n_test) < 0.28).astype(int)
    clips = render_clips(rule, labels, rng)
    (root / "public" / "clips").mkdir(parents=True)
    for i, clip in enumerate(clips):
        write_wav(root / "public" / "clips" / f"{i}.wav", clip, rule.sample_rate)
    table = pd.DataFrame({"clip_id": np.arange(len(labels)), "clip": [f"clips/{i}.wav" for i in range(len(labels))]})
    table.iloc[:n_train].assign(call=labels[:n_train].astype(str)).to_csv(root / "public" / "train.csv", index=False)
    table.iloc[n_train:].to_csv(root / "public" / "test.csv", index=False)
    return labels[n_train:]


def _auc(source: str, root, truth: np.ndarray) -> float:
    (root / "run.py").write_text(source)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}  # as the sandbox runs them
    subprocess.run([sys.executable, "run.py"], cwd=root, check=True, capture_output=True, timeout=300, env=env)
    return float(roc_auc_score(truth, pd.read_csv(root / "submission.csv")["call"]))


@pytest.mark.parametrize(("kind", "rng_seed"), [("harmonic", 5), ("call", 7)])
def test_top_level_not_below_the_trees(tmp_path, kind: str, rng_seed: int):
    truth = _task(tmp_path, kind, rng_seed)
    scripts = {s.level: s.source for s in ladder_for(CONFIG)}
    scores = {level: _auc(scripts[level], tmp_path, truth) for level in (3, 5)}
    assert scores[3] > 0.6, scores  # the event is audible: the comparison is not between two coin flips
    assert scores[5] >= scores[3], scores
