"""The fit memo of a ladder chain (`harness.py`'s `"chain": true`): copied into the sandbox next to the harness and
imported by it before the first run; `install` runs in a chain's forked child only, so the memo lives and dies with
the runs of one seed of one environment.

A fit of one of `MEMOIZED`'s scikit-learn estimators, with the same parameters on the same data (same values, dtypes,
index and column names) as an earlier fit of the chain, takes that fit's fitted state instead of fitting again. Only
deterministic fits are memoized: a randomized estimator (forests, histogram boosting) with a fixed integer
`random_state`, a linear model whose solver uses no randomness. The predictions are therefore the same bytes as a
fresh fit's (`tests/core/sandbox/test_ladder_chain.py` compares every submission of a chained ladder with the
one-process-per-run harness's). Imports only the standard library at module level, like the harness.
"""

from __future__ import annotations

import hashlib
import pickle
from typing import Any

MEMOIZED = {
    "linear_model": ("RidgeCV", "Ridge", "LogisticRegressionCV", "LogisticRegression"),
    "ensemble": ("RandomForestClassifier", "RandomForestRegressor", "HistGradientBoostingClassifier",
                 "HistGradientBoostingRegressor"),
}
"""scikit-learn's estimators whose fits are memoized, by module; the ensembles are randomized."""
_RANDOM_SOLVERS = ("sag", "saga", "liblinear")
"""Solvers of the linear models that draw random numbers (then `random_state` must be an integer too)."""


def _deterministic(params: dict[str, Any], randomized: bool) -> bool:
    fixed = isinstance(params.get("random_state"), int)
    return fixed or not (randomized or params.get("solver") in _RANDOM_SOLVERS)


def _key(estimator: Any, params: dict[str, Any], X: Any, y: Any) -> str | None:
    """The fit's digest, or None when its inputs do not pickle (then it is not memoized)."""
    try:
        blob = pickle.dumps((type(estimator).__qualname__, sorted(params.items(), key=lambda kv: kv[0]), X, y),
                            protocol=5)
    except Exception:
        return None
    return hashlib.blake2b(blob, digest_size=20).hexdigest()


def install() -> dict[str, int]:
    """Wrap `fit` of every `MEMOIZED` estimator in this process; returns the counter of fits taken from the memo
    (`{"reused": n}`), which the harness reports per run."""
    from sklearn import ensemble, linear_model

    memo: dict[str, dict[str, Any]] = {}
    counter = {"reused": 0}
    for module_name, names in MEMOIZED.items():
        module = {"linear_model": linear_model, "ensemble": ensemble}[module_name]
        for name in names:
            cls = getattr(module, name)
            randomized = module_name == "ensemble"

            def fit(self: Any, X: Any, y: Any = None, *args: Any, _fit: Any = cls.fit, _randomized: bool = randomized,
                    **kwargs: Any) -> Any:
                params = self.get_params()
                key = None if args or kwargs or not _deterministic(params, _randomized) else _key(self, params, X, y)
                if key is not None and key in memo:
                    self.__dict__.update(memo[key])
                    counter["reused"] += 1
                    return self
                fitted = _fit(self, X, y, *args, **kwargs)
                if key is not None:
                    memo[key] = dict(self.__dict__)
                return fitted

            cls.fit = fit
    return counter
