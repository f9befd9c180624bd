"""Deterministic answers, specs and a noisy-but-valid submission for every metric (shared by grading tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sandmle_core.metrics import METRICS
from sandmle_core.spec import GradingSpec

_WORDS = ("the", "cold", "river", "runs", "past", "seven", "old", "mills", "at", "dawn", "and", "dusk")
_ITEMS = tuple(f"i{n:02d}" for n in range(30))


def _texts(rng: np.random.Generator, n: int) -> list[str]:
    return [" ".join(rng.choice(_WORDS, size=rng.integers(1, 7))) for _ in range(n)]


def _noisy_text(rng: np.random.Generator, text: str) -> str:
    words = text.split()
    if rng.random() < 0.5 and words:
        words[rng.integers(0, len(words))] = str(rng.choice(_WORDS))
    if rng.random() < 0.3:
        words.append(str(rng.choice(_WORDS)))
    return " ".join(words)


def _ranking_case(metric: str, ids: list[str], rng: np.random.Generator) -> tuple:
    graded = metric.startswith("ndcg@")
    truth, ranked = [], []
    for _ in ids:
        relevant = list(rng.choice(_ITEMS, size=rng.integers(1, 4), replace=False))
        truth.append(" ".join(f"{item}:{rng.integers(1, 4)}" if graded else item for item in relevant))
        others = [i for i in rng.permutation(_ITEMS) if i not in relevant][:6]
        mixed = [*relevant[: rng.integers(0, len(relevant) + 1)], *others]
        ranked.append(" ".join(rng.permutation(mixed[:3]).tolist() + mixed[3:]))
    answers = pd.DataFrame({"id": ids, "items": truth})
    spec = GradingSpec(metric=metric, id_column="id", target_columns=("items",), submission_columns=("items",))
    return answers, spec, pd.DataFrame({"id": ids, "items": ranked})


def _other_case(metric: str, kind: str, ids: list[str], rng: np.random.Generator):
    n = len(ids)
    if kind == "text":
        truth = _texts(rng, n)
        answers = pd.DataFrame({"id": ids, "text": truth})
        spec = GradingSpec(metric=metric, id_column="id", target_columns=("text",), submission_columns=("text",))
        return answers, spec, pd.DataFrame({"id": ids, "text": [_noisy_text(rng, t) for t in truth]})
    if kind == "label_set":
        labels = ("a", "b", "c", "d", "e")
        truth = [" ".join(sorted(rng.choice(labels, size=rng.integers(0, 4), replace=False))) for _ in ids]
        noisy = [" ".join(sorted(set(t.split()) ^ ({str(rng.choice(labels))} if rng.random() < 0.5 else set())))
                 for t in truth]
        answers = pd.DataFrame({"id": ids, "tags": truth})
        spec = GradingSpec(metric=metric, id_column="id", target_columns=("tags",), submission_columns=("tags",),
                           classes=labels)
        return answers, spec, pd.DataFrame({"id": ids, "tags": noisy})
    if metric == "kl_divergence":
        classes = ("calm", "storm", "fog")
        votes = rng.integers(0, 5, (n, 3))
        votes[:, 0] += votes.sum(axis=1) == 0  # every row has at least one vote
        answers = pd.DataFrame({"id": ids, **{c: votes[:, i] for i, c in enumerate(classes)}})
        p = votes / votes.sum(axis=1, keepdims=True) + rng.random((n, 3))
        p = p / p.sum(axis=1, keepdims=True)
        spec = GradingSpec(metric=metric, id_column="id", target_columns=classes, submission_columns=classes,
                           classes=classes)
        return answers, spec, pd.DataFrame({"id": ids, **{c: p[:, i] for i, c in enumerate(classes)}})
    raise AssertionError(f"no case for {metric}")


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
    elif metric in ("mean_column_auc", "lrap"):
        labels = ("l_a", "l_b", "l_c")
        ys = {c: np.r_[0, 1, rng.integers(0, 2, n - 2)] for c in labels}
        answers = pd.DataFrame({"id": ids, **ys})
        spec = GradingSpec(metric=metric, id_column="id", target_columns=labels, submission_columns=labels)
        sub = pd.DataFrame({"id": ids, **{c: 0.4 * ys[c] + 0.6 * rng.random(n) for c in labels}})
    elif kind == "ranked_list":
        answers, spec, sub = _ranking_case(metric, ids, rng)
    elif kind in ("text", "label_set") or metric == "kl_divergence":
        answers, spec, sub = _other_case(metric, kind, ids, rng)
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
        targets = ("t1", "t2") if metric in ("mean_column_rmsle", "spearman") else ("price",)
        ys = {t: np.round(rng.lognormal(3, 1, n), 3) for t in targets}
        answers = pd.DataFrame({"id": ids, **ys})
        spec = GradingSpec(metric=metric, id_column="id", target_columns=targets, submission_columns=targets)
        sub = pd.DataFrame({"id": ids, **{t: ys[t] * rng.uniform(0.7, 1.3, n) for t in targets}})
    return answers, spec, sub
