"""Cross-validation scorers that sandmle's own ladder scripts define in their source (the tabular linear rungs,
the graph ladder's tuned linear model).

scikit-learn's named scorers (`scoring="neg_log_loss"`) route every fold's score through its scorer machinery
(metadata routing, response-method lookup, label checks), which on micro data cost as much as the fits themselves:
a `LogisticRegressionCV` of 6 Cs x 3 folds on 120-150 rows took 49-63 ms with the named scorer and 26-39 ms with
`neg_log_loss` below (one core, 2026-12-05). The function computes the named scorer's value to the last digit
(`tests/core/modalities/test_tabular_ladder_order.py` compares them, saturated probabilities included), so a
ladder's choice of C and its scores do not change.

The source is text: it is written into the scripts an agent reads as the environment's reference solutions, and
must not hold braces (the graph prelude is a `str.format` template).
"""

from __future__ import annotations

__all__ = ["NEG_LOG_LOSS"]

NEG_LOG_LOSS = '''def neg_log_loss(model, A, y):
    """The cross-validation's score, as scikit-learn's "neg_log_loss" scorer computes it (the binary case from the
    positive class's column, probabilities clipped to [eps, 1 - eps]) without the scorer's machinery, which cost
    more than the fits themselves on micro data."""
    proba = model.predict_proba(A)
    if proba.shape[1] == 2:
        proba = np.column_stack([1 - proba[:, 1], proba[:, 1]])
    eps = np.finfo(proba.dtype).eps
    truth = np.clip(proba, eps, 1 - eps)[np.arange(len(proba)), np.searchsorted(model.classes_, np.asarray(y))]
    return -float(np.mean(-np.log(truth)))
'''
