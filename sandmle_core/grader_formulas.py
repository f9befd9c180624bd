"""Metric formulas that scikit-learn does not provide, on already-validated plain values.

Ranking (MAP@k, NDCG@k), edit distance, word-level Jaccard, micro-F1 over label sets, correlations and KL divergence.
`sandmle_core.grader_runtime` parses and checks submissions and then calls these; the renderers embed this file's
source ahead of the runtime's in every generated grade.py / evaluator.py, so it imports only the standard library
and numpy (tests/core/test_grading.py checks it) and defines nothing that the runtime redefines.
"""

import math

import numpy as np

LOG_MAE_FLOOR = 1e-9  # log(0) is -inf: an exact submission scores log(1e-9), as Kaggle's log-MAE floors the MAE


def average_precision_at_k(actual, predicted, k):
    """AP@k of one ranked list against a set of relevant items (a repeated item counts once).

    Kaggle's convention: the sum of precision@i at each new hit within the first k, divided by min(|actual|, k).
    """
    hits = 0
    total = 0.0
    seen = set()
    for i, item in enumerate(predicted[:k]):
        if item in actual and item not in seen:
            hits += 1
            total += hits / (i + 1.0)
        seen.add(item)
    return total / min(len(actual), k)


def ndcg_at_k(gains, predicted, k):
    """NDCG@k of one ranked list; `gains` maps each relevant item to its (linear) gain, as scikit-learn's ndcg_score.

    DCG@k = sum over the first k distinct predicted items of gain / log2(position + 1); NDCG = DCG / ideal DCG.
    """
    dcg = 0.0
    seen = set()
    position = 0
    for item in predicted:
        if item in seen:
            continue
        seen.add(item)
        position += 1
        if position > k:
            break
        dcg += gains.get(item, 0.0) / math.log2(position + 1)
    ideal = sorted(gains.values(), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best


def levenshtein(a, b):
    """Edit distance (insertions, deletions, substitutions, each costing 1) between two sequences."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def word_jaccard(truth, prediction):
    """Jaccard similarity of the lower-cased word sets; two empty texts agree perfectly (1.0)."""
    a = set(truth.lower().split())
    b = set(prediction.lower().split())
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def set_micro_f1(truth_sets, predicted_sets):
    """Micro-averaged F1 over (row, label) pairs: 2TP / (2TP + FP + FN); 1.0 when both sides are empty everywhere."""
    tp = fp = fn = 0
    for truth, predicted in zip(truth_sets, predicted_sets, strict=True):
        both = len(truth & predicted)
        tp += both
        fp += len(predicted) - both
        fn += len(truth) - both
    if tp + fp + fn == 0:
        return 1.0
    return 2.0 * tp / (2.0 * tp + fp + fn)


def pearson(x, y):
    """Pearson's r; 0.0 when either side is constant (no linear relation can be measured, never NaN)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    x = x / max(float(np.max(np.abs(x))), 1e-300)  # scaled first: huge values (1e300) must not overflow to NaN
    y = y / max(float(np.max(np.abs(y))), 1e-300)
    x, y = x - np.mean(x), y - np.mean(y)
    norm = math.sqrt(float(np.dot(x, x)) * float(np.dot(y, y)))
    if norm == 0.0:
        return 0.0
    return max(-1.0, min(1.0, float(np.dot(x, y)) / norm))


def average_ranks(values):
    """Ranks 1..n with ties sharing their mean rank (what Spearman's rho correlates)."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), dtype=float)
    sorted_values = values[order]
    start = 0
    while start < len(values):
        end = start
        while end + 1 < len(values) and sorted_values[end + 1] == sorted_values[start]:
            end += 1
        ranks[order[start:end + 1]] = (start + end) / 2.0 + 1.0
        start = end + 1
    return ranks


def spearman(x, y):
    """Spearman's rho: Pearson's r of the average ranks; 0.0 when either side is constant."""
    return pearson(average_ranks(x), average_ranks(y))


def kl_divergence(truth, predicted, eps=1e-15):
    """Mean over rows of sum_c t_c * log(t_c / q_c); q is clipped to [eps, 1] and 0 * log(0) counts as 0."""
    truth = np.asarray(truth, dtype=float)
    q = np.clip(np.asarray(predicted, dtype=float), eps, 1.0)
    safe = np.where(truth > 0, truth, 1.0)
    terms = np.where(truth > 0, truth * np.log(safe / q), 0.0)
    return float(np.mean(terms.sum(axis=1)))


def log_mae(y_true, y_pred):
    """log(MAE), the MAE floored at LOG_MAE_FLOOR so an exact submission scores a finite optimum."""
    mae = float(np.mean(np.abs(np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float))))
    return math.log(max(mae, LOG_MAE_FLOOR))
