"""The leakage check's single-column skill (`agents.checks._single_feature_skill`): a planted leak is caught, a
noisy column is not, and the grouped purity equals the per-group `value_counts` it replaced on random frames (the
figure lands in validation.json, so it must not move by a bit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sandmle_core.agents.checks import LEAK_ACCURACY, _single_feature_skill


def _purity_per_group(x: pd.Series, y: pd.Series) -> float:
    """The purity as computed before: each value's labels counted by a `value_counts` of its own."""
    frame = pd.DataFrame({"x": x, "y": y}).dropna()
    key = frame["x"].round(6) if pd.api.types.is_numeric_dtype(frame["x"]) else frame["x"].astype(str)
    return float(frame.groupby(key)["y"].agg(lambda s: s.value_counts().iloc[0]).sum() / len(frame))


def test_a_column_restating_the_label_is_a_leak_and_noise_is_not() -> None:
    rng = np.random.default_rng(3)
    y = pd.Series(rng.choice(["yes", "no", "maybe"], 300))
    leak = y.map({"yes": "A", "no": "B", "maybe": "C"})  # a renamed copy of the label
    assert _single_feature_skill(leak, y, classification=True) == 1.0
    noisy = leak.where(rng.random(300) > 0.2, "B")  # one row in five overwritten
    assert _single_feature_skill(noisy, y, classification=True) < LEAK_ACCURACY
    numeric_leak = y.map({"yes": 1.0, "no": 2.0, "maybe": 3.0}).where(rng.random(300) > 0.005)  # and a NaN or two
    assert _single_feature_skill(numeric_leak, y, classification=True) >= LEAK_ACCURACY
    assert _single_feature_skill(pd.Series(rng.normal(size=300)), y, classification=True) < LEAK_ACCURACY


@pytest.mark.parametrize("seed", range(8))
def test_grouped_purity_equals_the_per_group_counts(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for trial in range(40):
        n = int(rng.integers(10, 300))
        levels = int(rng.integers(1, max(2, n // 5)))
        if trial % 3 == 0:
            x = pd.Series(rng.choice(["a", "b", "c", "d", "e"][: max(1, levels % 5 + 1)], n))
        else:
            x = pd.Series(rng.integers(0, levels, n) / 7.0)
        x = x.where(rng.random(n) > 0.05)  # missing values are dropped with their rows
        y = pd.Series(rng.choice([0, 1, 2], n) if trial % 2 else rng.choice(["u", "v"], n))
        frame = pd.DataFrame({"x": x, "y": y}).dropna()
        key = frame["x"].round(6) if pd.api.types.is_numeric_dtype(frame["x"]) else frame["x"].astype(str)
        if len(frame) < 10 or key.nunique() > max(20, len(frame) // 5):
            continue  # not the purity branch
        assert _single_feature_skill(x, y, classification=True) == _purity_per_group(x, y)
