"""From a competition's tables and media to its Task DNA: targets, task type, modality, class count and leaks.

Split from `dna.py`, which finds and reads the files. Every decision is a reading of the files, in this order:
targets (submission columns the label table has, else one label column whose values are the submission columns,
else — no label table — the submission columns), task type (metric kind, target count and values), modality
(paired image folders, a target that rewrites a public text column, audio, images, text and tabular columns). A
ranked-list metric (MAP@k, NDCG@k) makes the task type `ranking` and, without media, the modality `ranking`.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from sandmle_core.metrics import get_metric
from sandmle_core.profiling.inventory import Inventory

__all__ = ["describe_task"]


def _paired_images(inv: Inventory) -> bool:
    """Two image folders holding the same file names (`train/` and `train_cleaned/`): an image-to-image task."""
    by_folder: dict[str, set[str]] = {}
    for path in inv.media.get("image", []):
        if "!" not in path and "/" in path:
            folder, name = path.split("/", 1)
            by_folder.setdefault(folder, set()).add(name)
    folders = sorted(by_folder)
    return any(by_folder[a] == by_folder[b] for i, a in enumerate(folders) for b in folders[i + 1:])


def _rewrites_text(train: pd.DataFrame, target: str, roles: dict[str, str]) -> str | None:
    """The public string column the target is a rewrite of (>= 20% of rows equal), for sequence-to-sequence."""
    y = train[target]
    if pd.api.types.is_numeric_dtype(y):
        return None
    for col, role in roles.items():
        if role in ("categorical", "text") and not pd.api.types.is_numeric_dtype(train[col]):
            same = (train[col].astype(str) == y.astype(str)).mean()
            if 0.2 <= same < 0.99:
                return col
    return None


def _ids_restart(train: pd.DataFrame | None, test: pd.DataFrame | None, id_column: str) -> bool:
    """Whether train and test each number their rows 1, 2, 3, ... (nomad2018): the ids of the two overlap."""
    def counted(frame: pd.DataFrame | None) -> bool:
        if frame is None or id_column not in frame.columns or not pd.api.types.is_integer_dtype(frame[id_column]):
            return False
        return sorted(frame[id_column].tolist()) == list(range(1, len(frame) + 1))

    return counted(train) and counted(test)


def _species_count(inv: Inventory) -> int | None:
    """Rows of a class list among the auxiliary text files (mlsp's species_list.txt), for flattened multi-label."""
    for name in inv.text_files:
        if any(w in PurePosixPath(name).name.lower() for w in ("species", "classes", "class_list")):
            lines = [ln for ln in (inv.root / name).read_text(errors="replace").splitlines() if ln.strip()]
            return max(len(lines) - 1, 0)
    return None


def _label_from_names(inv: Inventory, kind: str) -> int | None:
    """Classes encoded in training media file names (`cat.1.jpg`, `..._1.aif`): how many distinct ones."""
    names = [PurePosixPath(p.split("!")[-1]).stem for p in inv.media.get(kind, []) if "train" in p.lower()]
    if not names:
        return None
    heads = {n.split(".")[0] for n in names if "." in n}
    tails = {n.rsplit("_", 1)[-1] for n in names if "_" in n}
    for found in (heads, tails):
        if 2 <= len(found) <= 20:
            return len(found)
    return None


def _task_type(metric: str | None, train: pd.DataFrame | None, targets: tuple[str, ...], label: str | None,
               submission: tuple[str, ...], inv: Inventory, grader: str) -> tuple[str, int | None]:
    kind = get_metric(metric).kind if metric else None
    if kind == "ranked_list":  # one ranked list of items per query (MAP@k, NDCG@k): never a classification
        return "ranking", None
    if label is not None:
        return ("binary" if len(submission) == 2 else "multiclass"), len(submission)
    if len(targets) > 1:
        if kind == "value":
            return "multi-target regression", None
        present = [c for c in targets if train is not None and c in train.columns]
        if present and train is not None and (train[present].sum(axis=1) == 1).all() and len(present) == len(targets):
            return "multiclass", len(targets)
        extra = 0 if train is None else sum(1 for c in train.columns if c not in targets and c not in present
                                            and set(train[c].dropna().unique()) <= {0, 1} and train[c].nunique() == 2)
        return "multilabel", len(targets) + extra
    species = _species_count(inv)
    if species and kind == "probability":
        return "multilabel", species  # one probability row per (recording, class): flattened multi-label
    if "kappa" in grader.lower() or metric == "quadratic_weighted_kappa":
        n = train[targets[0]].nunique() if train is not None and targets[0] in train.columns else None
        return "ordinal", n
    if kind == "value":
        return "regression", None
    if train is not None and targets[0] in train.columns:
        n = int(train[targets[0]].nunique())
        return ("binary" if n <= 2 else "multiclass"), n
    n = _label_from_names(inv, "audio" if inv.has_audio else "image")
    if kind == "probability":
        return "binary", 2
    return ("binary" if n == 2 else "multiclass"), n


def _modality(inv: Inventory, roles: dict[str, str], id_role: str | None) -> str:
    if _paired_images(inv):
        return "image-to-image"
    tabular = [c for c, r in roles.items() if r in ("numeric", "categorical", "datetime", "geo", "list")]
    texts = [c for c, r in roles.items() if r == "text"] + (["<id>"] if id_role == "text" else [])
    if inv.has_audio:
        return "audio"
    if inv.has_images:
        return "image+tabular" if tabular else "image"
    if texts:
        return "text+tabular" if tabular else "text"
    return "tabular"


def describe_task(*, seed_id: str, inv: Inventory, sample: pd.DataFrame, train: pd.DataFrame | None,
                  test: pd.DataFrame | None, id_column: str, passthrough: tuple[str, ...],
                  submission: tuple[str, ...], grader: str, files: dict[str, Any], description: str = "") -> Any:
    """The TaskDNA of a read competition (see the module docstring for the order of decisions)."""
    from sandmle_core.profiling.dna import TaskDNA, grader_metric, roles_of, support_verdict

    metric, reason = grader_metric(grader, len(submission))
    cols = [str(c) for c in train.columns] if train is not None else []
    targets = tuple(c for c in submission if c in cols)
    label = None
    if train is not None and not targets:
        from sandmle_core.profiling.dna import _label_column

        label = _label_column(train, submission, {id_column})
    if len(targets) < len(submission) and not (targets and train is not None):
        targets = submission
    skip = {id_column, *targets, *passthrough, *([label] if label else [])}
    # Without a test table a test row is known only by its media (or its id): every other train column is
    # train-only, a possible leak, and not a public feature.
    public_cols = [str(c) for c in test.columns] if test is not None else ([] if inv.has_images or inv.has_audio
                                                                           else cols)
    stems = frozenset(PurePosixPath(p.split("!")[-1]).stem for p in inv.media.get("image", []))
    features = [c for c in public_cols if c not in skip]
    frame = test if test is not None else train
    roles = roles_of(frame, features, stems) if frame is not None else {}
    roles = {c: r for c, r in roles.items() if r != "id"} | {c: "id" for c, r in roles.items() if r == "id"}
    id_role = None
    if frame is not None and id_column in frame.columns:
        id_role = roles_of(frame, [id_column], stems)[id_column]
    train_only = tuple(c for c in cols if c not in public_cols and c not in skip)
    task_type, n_classes = _task_type(metric, train, targets, label, submission, inv, grader)
    modality = _modality(inv, {c: r for c, r in roles.items() if r != "id"}, id_role)
    if task_type == "ranking" and not (inv.has_images or inv.has_audio):
        modality = "ranking"  # query and candidate tables: the ranking family (image retrieval stays image)
    if len(targets) == 1 and train is not None and targets[0] in cols and _rewrites_text(train, targets[0], roles):
        modality, task_type, n_classes = "sequence-to-sequence", "token transduction", None
    if modality == "image-to-image":
        task_type, n_classes = "per-pixel regression", None
    classes = None
    if metric and get_metric(metric).kind == "class_probabilities":
        classes = submission
    elif metric and get_metric(metric).kind == "label" and train is not None and targets[0] in cols \
            and task_type in ("binary", "multiclass", "ordinal"):
        classes = tuple(sorted(train[targets[0]].dropna().astype(str).unique()))
    supported, why = (False, reason) if reason else support_verdict(modality, task_type)
    return TaskDNA(seed_id=seed_id, modality=modality, task_type=task_type, grader_name=grader, metric=metric,
                   lower_is_better=get_metric(metric).lower_is_better if metric else None, id_column=id_column,
                   target_columns=targets, submission_columns=submission, passthrough_columns=passthrough,
                   label_column=label, n_classes=n_classes, classes=classes,
                   column_roles={**({id_column: "id"}), **roles}, train_only_columns=train_only,
                   n_train=0 if train is None else len(train), n_test=len(sample), files=files,
                   ids_restart=_ids_restart(train, test, id_column), supported=supported, reason=why)
