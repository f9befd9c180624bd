"""The audio ladder's level 2 must see what level 1 sees (issue 14, K=10 tau on whale-calls).

Measured at K=10, the old level 2 (12 time-averaged, gain-normalised band levels and nothing else) scored below
level 1 (clip energy statistics) on hard detection drafts: an event that is short and spectrally flat under noise
lifts the clip's frame-energy spread but barely moves any band's mean. Level 2 now adds the bands to level 1's
features. The test runs the real generated scripts (plain subprocesses: the scripts are sandmle's own) on clips whose
label is a short broadband burst, which band levels alone cannot hear.
"""

from __future__ import annotations

import subprocess
import sys
import wave

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from sandmle_core.ladder import LadderConfig, ladder_for
from sandmle_core.spec import Modality, TaskType

CONFIG = LadderConfig(modality=Modality.AUDIO, task_type=TaskType.BINARY, metric="auc", metric_kind="probability",
                      id_column="clip_id", target_columns=("call",), submission_columns=("call",),
                      classes=("0", "1"), audio_column="clip")
RATE = 4000


def _write_clips(root, rng_seed: int = 5, n: int = 160) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """n one-second clips of white noise at a random gain; label 1 adds a 0.15 s white burst (same spectrum)."""
    rng = np.random.default_rng(rng_seed)
    (root / "public" / "clips").mkdir(parents=True)
    labels = (rng.random(n) < 0.5).astype(int)
    for i, label in enumerate(labels):
        x = rng.standard_normal(RATE) * 0.05
        if label:
            start = int(rng.integers(0, RATE - 600))
            x[start:start + 600] += rng.standard_normal(600) * 0.09
        x *= 10 ** (rng.uniform(-6, 6) / 20)
        with wave.open(str(root / "public" / "clips" / f"{i}.wav"), "wb") as clip:
            clip.setnchannels(1)
            clip.setsampwidth(2)
            clip.setframerate(RATE)
            clip.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
    table = pd.DataFrame({"clip_id": np.arange(n), "clip": [f"clips/{i}.wav" for i in range(n)]})
    train = table.iloc[: n // 2].assign(call=labels[: n // 2].astype(str))
    test = table.iloc[n // 2:].reset_index(drop=True)
    train.to_csv(root / "public" / "train.csv", index=False)
    test.to_csv(root / "public" / "test.csv", index=False)
    return train, test, labels[n // 2:]


def _auc(source: str, root, test: pd.DataFrame, truth: np.ndarray) -> float:
    (root / "run.py").write_text(source)
    subprocess.run([sys.executable, "run.py"], cwd=root, check=True, capture_output=True, timeout=300)
    submission = pd.read_csv(root / "submission.csv")
    assert list(submission["clip_id"]) == list(test["clip_id"])
    return float(roc_auc_score(truth, submission["call"]))


def test_level_two_hears_what_level_one_hears(tmp_path):
    _, test, truth = _write_clips(tmp_path)
    scripts = {s.level: s.source for s in ladder_for(CONFIG)}
    scores = {level: _auc(scripts[level], tmp_path, test, truth) for level in (1, 2)}
    assert scores[1] > 0.75, scores  # the burst is audible to energy statistics
    assert scores[2] >= scores[1] - 0.03, scores
