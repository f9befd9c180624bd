"""Evaluating a tabular rule: latents → clean standardized feature values → the calibrated target signal.

Shared by the drafter (which calibrates a freshly drawn rule on a reference sample) and the synthesizer (which
samples the environment's rows). Pure numpy over the rule's numbers.
"""

from __future__ import annotations

import math

import numpy as np

from sandmle_core.modalities.tabular.rule import TabularRule

__all__ = ["evaluate", "raw_signal", "round4", "sample_clean", "sigmoid", "softmax"]


def round4(x: float, digits: int = 4) -> float:
    return float(round(float(x), digits))


def sample_clean(rule: TabularRule, n: int, rng: np.random.Generator, shift: float = 0.0):
    """Sample n rows of latents; return the clean standardized values and the categorical level indices."""
    z = rng.standard_normal((n, rule.n_latent))
    z[:, 0] += shift
    clean: dict[str, np.ndarray] = {}
    for f in rule.features:
        if f.kind == "categorical":
            weights = np.asarray(f.level_loadings)  # levels × latents
            gumbel = -np.log(-np.log(rng.uniform(1e-12, 1.0, size=(n, len(f.levels)))))
            clean[f.name] = np.argmax(z @ weights.T + f.level_noise * gumbel, axis=1)
        else:
            load = np.asarray(f.loadings)
            norm = math.sqrt(float(load @ load) + f.noise**2)
            clean[f.name] = (z @ load + f.noise * rng.standard_normal(n)) / norm
    return clean


def raw_signal(rule: TabularRule, clean: dict[str, np.ndarray], n: int) -> np.ndarray:
    raw = np.zeros((n, rule.outputs))
    for term in rule.terms:
        a = clean[term.features[0]]
        if term.op == "level":
            raw += np.asarray(term.effects).T[a]
            continue
        if term.op == "linear":
            g = a
        elif term.op == "square":
            g = a**2 - 1.0
        elif term.op == "hinge":
            g = np.maximum(0.0, a - term.knot)
        elif term.op == "sine":
            g = np.sin(1.7 * a)
        else:  # interaction
            g = a * clean[term.features[1]]
        raw += np.outer(g, np.asarray(term.weights))
    return raw


def evaluate(rule: TabularRule, clean: dict[str, np.ndarray], n: int) -> np.ndarray:
    """The calibrated signal (n × outputs): unit variance per output on the calibration sample."""
    return (raw_signal(rule, clean, n) - np.asarray(rule.center)) * np.asarray(rule.scale)


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
