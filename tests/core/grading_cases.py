"""Deterministic answers, specs and a noisy-but-valid submission for every metric (shared by grading tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sandmle_core.metrics import METRICS
from sandmle_core.spec import GradingSpec


def case(metric: str, n: int = 60) -> tuple[pd.DataFrame, GradingSpec, pd.DataFrame]:
    """(answers, spec, a valid, informative but imperfect submission) for `metric`."""
    rng = np.random.default_rng(sum(map(ord, metric)))
    ids = [f"r{i:03d}" for i in range(n)]
    kind = METRICS[metric].kind
    if metric in ("auc", "binary_log_loss"):
        y = rng.integers(0, 2, n)
        y[:2] = [0, 1]
        answers = pd.DataFrame({"id": ids, "label": y})
        spec = GradingSpec(metric=metric, id_column="id", target_columns=("label",), submission_columns=("label",))
        sub = pd.DataFrame({"id": ids, "label": np.clip(0.5 * y + 0.5 * rng.random(n), 0, 1)})
    elif metric == "mean_column_auc":
        labels = ("l_a", "l_b", "l_c")
        ys = {c: np.r_[0, 1, rng.integers(0, 2, n - 2)] for c in labels}
        answers = pd.DataFrame({"id": ids, **ys})
        spec = GradingSpec(metric=metric, id_column="id", target_columns=labels, submission_columns=labels)
        sub = pd.DataFrame({"id": ids, **{c: 0.4 * ys[c] + 0.6 * rng.random(n) for c in labels}})
    elif kind in ("class_probabilities", "label"):
        classes = ("1", "2", "3", "4") if metric == "quadratic_weighted_kappa" else ("cat", "dog", "owl")
        y = np.array(classes)[np.r_[np.arange(len(classes)), rng.integers(0, len(classes), n - len(classes))]]
        answers = pd.DataFrame({"id": ids, "target": y})
        if metric == "quadratic_weighted_kappa":
            answers["target"] = answers["target"].astype(int)
        cols = classes if kind == "class_probabilities" else ("target",)
        spec = GradingSpec(metric=metric, id_column="id", target_columns=("target",), submission_columns=cols,
                           classes=classes)
        if kind == "label":
            noisy = np.where(rng.random(n) < 0.7, y, np.array(classes)[rng.integers(0, len(classes), n)])
            sub = pd.DataFrame({"id": ids, "target": noisy})
        else:
            p = rng.random((n, len(classes))) + 2.0 * (y[:, None] == np.array(classes)[None, :])
            p = p / p.sum(axis=1, keepdims=True)
            sub = pd.DataFrame({"id": ids, **{c: p[:, i] for i, c in enumerate(classes)}})
    else:
        targets = ("t1", "t2") if metric == "mean_column_rmsle" else ("price",)
        ys = {t: np.round(rng.lognormal(3, 1, n), 3) for t in targets}
        answers = pd.DataFrame({"id": ids, **ys})
        spec = GradingSpec(metric=metric, id_column="id", target_columns=targets, submission_columns=targets)
        sub = pd.DataFrame({"id": ids, **{t: ys[t] * rng.uniform(0.7, 1.3, n) for t in targets}})
    return answers, spec, sub
