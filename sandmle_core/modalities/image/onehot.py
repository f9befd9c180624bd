"""One-hot image tasks (plant-pathology-2020-fgvc7's shape): a multi-class task written as one 0/1 column per class
in train.csv and the answers, submitted as one probability column per class, scored by mean column-wise AUC.

The hidden rule is the multi-class image rule (one pattern per class); only the tables change. The target has no
class list (`classes` None: its columns ARE the classes, each holding 0/1), so contracts and checks treat each column
as a 0/1 number. `target_columns` drafts the target, `planning_spec` lets the shared class plan see the columns as
classes, `write_tables` writes train/test/answers and the oracle, and `scripts` adapts the classification ladder: each
script rebuilds a label column from the one-hot columns and writes one probability column per class.

Imports: numpy, pandas and the image ladder's prelude; the spec models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sandmle_core.spec import TargetSpec

if TYPE_CHECKING:
    from sandmle_core.envfolder import EnvFolder
    from sandmle_core.ladder import LadderConfig, LadderScript
    from sandmle_core.taskspec import TaskSpec

__all__ = ["LABEL", "one_hot_target", "planning_spec", "scripts", "write_tables"]

LABEL = "__class__"  # the label column the ladder scripts rebuild from the one-hot columns

_LOAD = '''

ONE_HOT = {columns!r}


def load():
    """train (with a TARGET label column rebuilt from the one-hot columns) and test; a seeded 90% subsample."""
    train = pd.read_csv(os.path.join("public", "train.csv"))
    test = pd.read_csv(os.path.join("public", "test.csv"))
    hot = train[list(ONE_HOT)].apply(pd.to_numeric, errors="coerce")
    train = train[hot.notna().all(axis=1)].reset_index(drop=True)
    hot = hot[hot.notna().all(axis=1)].to_numpy(float)
    train[TARGET] = np.asarray(ONE_HOT, dtype=object)[hot.argmax(axis=1)]
    if SUBSAMPLE:
        keep = np.sort(np.random.default_rng(SEED).permutation(len(train))[: max(1, int(round(0.9 * len(train))))])
        train = train.iloc[keep].reset_index(drop=True)
    return train, test
'''


def one_hot_target(classes: tuple[str, ...], description: str) -> TargetSpec:
    """One 0/1 answer column per class, and no class list (the columns are the classes)."""
    return TargetSpec(columns=classes, description=f"{description} (one 0/1 column per class, exactly one of them 1)")


def planning_spec(spec: TaskSpec) -> TaskSpec:
    """The spec as the shared class plan needs it: its one-hot columns as its classes."""
    return spec.model_copy(update={"target": spec.target.model_copy(update={"classes": spec.target.columns})})


def write_tables(spec: TaskSpec, folder: EnvFolder, train: pd.DataFrame, test: pd.DataFrame, label: str,
                 classes: tuple[str, ...], rate: float) -> None:
    """Write train.csv (one-hot columns), test.csv, the one-hot answers and the oracle (true class's probability
    1 - eps, eps = the label noise rate, at least 1e-3, spread over the other classes)."""
    g = spec.grading

    def expand(part: pd.DataFrame) -> pd.DataFrame:
        out = part.drop(columns=[label, "_truth"])
        for c in classes:
            out[c] = (part[label] == c).astype(int)
        return out

    expand(train).to_csv(folder.train, index=False)
    test.drop(columns=[label, "_truth"]).to_csv(folder.test, index=False)
    expand(test)[[g.id_column, *classes]].to_csv(folder.answers, index=False)
    other = round(max(rate, 1e-3) / (len(classes) - 1), 6)
    truth = test["_truth"].to_numpy()
    oracle = pd.DataFrame({g.id_column: test[g.id_column].to_numpy()})
    for j, c in enumerate(classes):
        oracle[c] = np.where(truth == j, round(1.0 - other * (len(classes) - 1), 6), other)
    oracle.to_csv(folder.oracle_submission, index=False)


def scripts(config: LadderConfig) -> list[LadderScript]:
    """The classification ladder on one-hot tables: a label column rebuilt from the class columns, one probability
    column per class written (rows summing to 1, which column-wise AUC ignores)."""
    from sandmle_core.ladder import LadderScript
    from sandmle_core.modalities.image.ladder import _LEVELS, _PRELUDE, _header

    columns = tuple(config.target_columns)
    labelled = config.model_copy(update={"target_columns": (LABEL,), "classes": columns,
                                         "metric_kind": "class_probabilities", "submission_columns": columns})
    return [
        LadderScript(level=level, name=name, summary=summary,
                     source=_header(labelled, level, name, summary) + _PRELUDE + _LOAD.format(columns=columns)
                     + "\n" + body.lstrip("\n"))
        for level, (name, summary, body) in enumerate(_LEVELS)
    ]
