"""Shared pieces of multi-label generation: label matrices that keep every label scorable.

A column-wise ROC AUC is defined only when a label column holds both values, so every multi-label synthesizer
(image findings, text flags) makes each label column of a part hold a few ones and zeros before anything is
rendered from the labels. Imports: numpy only.
"""

from __future__ import annotations

import numpy as np

__all__ = ["balanced_labels"]


def balanced_labels(y: np.ndarray, minimum: int, rng: np.random.Generator) -> np.ndarray:
    """Make every column of a 0/1 matrix hold at least `minimum` ones and zeros (flipping randomly chosen rows).

    Args:
        y: (n, labels) 0/1 labels.
        minimum: the ones and zeros every column keeps at least.
        rng: the stream the flipped rows are drawn from.

    Returns:
        A new matrix; `y` is left as it was.
    """
    y = y.copy()
    for j in range(y.shape[1]):
        for value in (1, 0):
            short = minimum - int((y[:, j] == value).sum())
            if short > 0:
                y[rng.choice(np.flatnonzero(y[:, j] != value), size=short, replace=False), j] = value
    return y
