"""The multi-label audio ladder's one-fit-for-all-species helpers: the joint logistic regression gives what one
scikit-learn LogisticRegression per species gives, the multi-output booster learns every species and repeats itself
for a seed, and levels 1-4 fit no model per species (the per-species fits were the fixed cost that kept the micro
ladder from being 20x cheaper than the full-scale one)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sandmle_core.modalities.audio import ladder as one_class
from sandmle_core.modalities.audio import ladder_multilabel


@pytest.fixture(scope="module")
def helpers():
    namespace: dict = {"__name__": "helpers", "SEED_ENV": "SANDMLE_TEST_UNSET_SEED", "ID": "Id", "AUDIO": "clip",
                       "TARGET": "Probability", "SUBMISSION": ("Probability",)}
    exec(one_class._PRELUDE + ladder_multilabel._HELPERS, namespace)
    return namespace


def _task(n=160, d=12, k=6, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)) * rng.uniform(0.5, 4.0, size=d)
    y = (x[:, :k] / x[:, :k].std(0) + rng.normal(size=(n, k)) > 0.8).astype(float)
    return x[:120], y[:120], x[120:], y[120:]


def test_joint_logistic_matches_one_regression_per_species(helpers):
    x, y, x_test, _ = _task()
    y[:, -1] = 0.0  # a species never heard in training gets its share, as one_vs_rest gives it
    joint = helpers["logistic_all"](x, y, x_test, 0.1)
    for s in range(y.shape[1] - 1):
        model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=3000)).fit(x, y[:, s])
        assert np.abs(joint[:, s] - model.predict_proba(x_test)[:, 1]).max() < 1e-3
    assert (joint[:, -1] == 0.0).all()


def test_the_multi_output_booster_learns_every_species_and_repeats(helpers):
    x, y, x_test, y_test = _task(n=400)
    first = helpers["boost_all"](x, y, x_test, rounds=100)
    assert np.array_equal(first, helpers["boost_all"](x, y, x_test, rounds=100))
    assert min(roc_auc_score(y_test[:, s], first[:, s]) for s in range(y.shape[1])) > 0.75


def test_levels_one_to_four_fit_no_model_per_species():
    levels = dict((name, body) for name, _, body in ladder_multilabel._LEVELS)
    for name in ("energy_logreg", "bands_logreg", "patches_trees", "boosting"):
        assert "one_vs_rest(" not in levels[name], name
    assert "one_vs_rest(" in levels["ensemble"]
