"""The seed analyst: a seed task → its TaskProfile (the Task DNA every drafted environment must preserve).

The profile records what a solution has to cope with — modality, task type, metric and direction, label cardinality
and class balance, missingness, the feature-type mix, skewed or high-cardinality features — read from the seed's
files. A seed whose config.yaml carries a `sandmle.grading` block (every bundled seed) is graded exactly as declared;
for any other mle-bench folder the Task DNA is read by `sandmle_core.profiling` (grader name to metric through
`mlebench_graders`, never a guess) and a DNA no generator family keeps raises `UnsupportedSeed` with the reason.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from sandmle_core.errors import SeedError, UnsupportedSeed
from sandmle_core.metrics import METRICS, get_metric
from sandmle_core.modalities import detect_modality, get_kit, keeping_kit
from sandmle_core.modalities.classes import labels_from_names, labels_from_prefixes
from sandmle_core.profiling import TaskDNA, read_dna, read_table
from sandmle_core.profiling.inventory import take_inventory
from sandmle_core.profiling.verdict import hosting_problem
from sandmle_core.seeds.task import SeedTask
from sandmle_core.spec import GradingSpec, Modality, TaskType

__all__ = ["FeatureProfile", "TaskProfile", "profile_seed"]

_MEDIA = re.compile(r"\.(?:png|jpe?g|gif|bmp|tiff?|webp)$", re.I)
_AUDIO = re.compile(r"\.(?:wav|aiff?|flac|mp3|ogg)$", re.I)
KEYED_TEXT_WORDS = 3  # an id column whose values have this many words (median) or more is free text, not an id


class FeatureProfile(BaseModel):
    """One public column of the seed's training table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kind: str  # numeric | integer | categorical | text | datetime | image | audio | id
    dtype: str
    cardinality: int
    missing_rate: float
    skewness: float | None = None
    outlier_share: float | None = None


class TaskProfile(BaseModel):
    """A seed's Task DNA and the figures behind it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed_id: str
    modality: Modality
    task_type: TaskType
    grading: GradingSpec
    metric: str
    lower_is_better: bool
    n_train: int
    n_test: int
    label_cardinality: int | None = None
    class_balance: dict[str, float] | None = None
    target_skewness: float | None = None
    missing_rate: float
    feature_mix: dict[str, int]
    features: tuple[FeatureProfile, ...]
    details: dict[str, Any] = {}

    @property
    def id_column(self) -> str:
        return self.grading.id_column

    @property
    def target_columns(self) -> tuple[str, ...]:
        return self.grading.target_columns


def _kind(series: pd.Series, name: str, id_column: str) -> str:
    if name == id_column:
        return "id"
    values = series.dropna()
    if values.empty:
        return "numeric"
    if pd.api.types.is_bool_dtype(series):
        return "categorical"
    if pd.api.types.is_integer_dtype(series):
        return "integer" if values.nunique() > 12 else "categorical"
    if pd.api.types.is_numeric_dtype(series):
        return "numeric"
    text = values.astype(str)
    if text.str.contains(_MEDIA).mean() > 0.9:
        return "image"
    if text.str.contains(_AUDIO).mean() > 0.9:
        return "audio"
    if "date" in name.lower() or "time" in name.lower():
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
        if parsed.notna().mean() > 0.9:
            return "datetime"
    if text.str.split().str.len().mean() >= 8:
        return "text"
    return "categorical"


def _feature(series: pd.Series, name: str, id_column: str) -> FeatureProfile:
    kind = _kind(series, name, id_column)
    skew = outliers = None
    if kind in ("numeric", "integer"):
        values = series.dropna().astype(float)
        if len(values) > 2 and values.std() > 0:
            skew = round(float(values.skew()), 4)
            q1, q3 = values.quantile([0.25, 0.75])
            iqr = q3 - q1
            outliers = round(float(((values < q1 - 3 * iqr) | (values > q3 + 3 * iqr)).mean()), 4)
    return FeatureProfile(name=name, kind=kind, dtype=str(series.dtype), cardinality=int(series.nunique()),
                          missing_rate=round(float(series.isna().mean()), 4), skewness=skew, outlier_share=outliers)


def _text_keyed(train: pd.DataFrame, skip: set[str], id_column: str, dna: TaskDNA | None
                ) -> tuple[FeatureProfile, ...]:
    """The profiles of the training table's columns but `skip`, with a text seed's id column counted as its text
    when the id is free text (detecting insults: the comment is the key of every file)."""
    features = tuple(_feature(train[c], str(c), id_column) for c in train.columns if c not in skip)
    if dna is None or dna.modality != "text" or id_column not in train.columns:
        return features
    words = train[id_column].dropna().astype(str).str.split().str.len()
    if len(words) == 0 or float(words.median()) < KEYED_TEXT_WORDS:
        return features
    return tuple(f.model_copy(update={"kind": "text"}) if f.name == id_column else f for f in features)


def _dna_grading(seed: SeedTask, max_rows: int) -> tuple[pd.DataFrame, GradingSpec, TaskDNA, int]:
    """An mle-bench seed without a grading block: its Task DNA (refused when unsupported) and its train table."""
    dna = read_dna(seed.id, seed.public_dir, seed.private_dir, seed.config, seed.description)
    if not dna.supported:
        raise UnsupportedSeed(seed.root, dna.reason or "unsupported")
    paired = get_kit(_kept(dna.modality, dna.task_type)).seed_train if not dna.files.get("train") else None
    if paired is not None:  # no label table, but the kit reads its pages as one (image-to-image)
        table = paired(seed.public_dir)
        if table is None:
            raise UnsupportedSeed(seed.public_dir, f"unsupported layout: the {dna.modality} seed has no paired "
                                                   "train/ and train_cleaned/ folders to learn from")
        grading = GradingSpec(metric=dna.metric, id_column=dna.id_column, target_columns=dna.target_columns,
                              submission_columns=dna.submission_columns)
        return table.rename(columns={"id": dna.id_column, "value": dna.target_columns[0]}), grading, dna, dna.n_test
    if not dna.files.get("train"):
        train = _train_from_names(seed, dna)
    else:
        train = read_table(seed.public_dir / dna.files["train"], nrows=max_rows)
    if dna.label_column:  # answers one column per class: profile the label column
        train = train.rename(columns={dna.label_column: "__label__"})
    assert dna.metric is not None
    grading = GradingSpec(metric=dna.metric, id_column=dna.id_column, target_columns=dna.target_columns,
                          submission_columns=dna.submission_columns, classes=dna.classes,
                          passthrough_columns=dna.passthrough_columns)
    return train, grading, dna, dna.n_test


def _kept(modality: str, task_type: str | None) -> str:
    """The registered modality that generates a DNA modality (`image+tabular` binary → image), else itself."""
    kit = keeping_kit(modality, task_type)
    return kit.modality.value if kit is not None else modality


def _train_from_names(seed: SeedTask, dna: TaskDNA) -> pd.DataFrame:
    """The label table of an audio or image seed that has none: its training files' names carry their label (the
    whale challenge's `..._TRAIN7_1.aif`, dogs vs. cats' `cat.0.jpg`). One row per training file: the file name as
    the id, its path, the label.

    Raises:
        UnsupportedSeed: when the seed is not a one-target audio or image classification or its names carry no
            label.
    """
    named = None
    if dna.modality == "audio" and dna.task_type == "multilabel" and len(dna.target_columns) == 1:
        from sandmle_core.modalities.audio.multilabel import seed_train  # mlsp-2013-birds: labels in essential_data

        flat = seed_train(seed.public_dir, dna.id_column, dna.target_columns[0])
        if flat is not None:
            return flat
    if dna.modality == "audio" and dna.task_type in ("binary", "multiclass") and len(dna.target_columns) == 1:
        inventory = take_inventory(seed.public_dir)
        named = labels_from_names([p for p in inventory.media.get("audio", []) if "train" in p.lower()])
    if dna.modality == "image" and dna.task_type in ("binary", "multiclass") and len(dna.target_columns) == 1:
        named = _image_labels_from_names(seed)
    if named is None and dna.modality == "image" and dna.task_type in ("binary", "multiclass"):
        raise UnsupportedSeed(seed.public_dir, "unsupported labels: no label table, and the training images' names "
                                               "carry no label (`<label>.<number>.<ext>` or `<name>_<label>.<ext>`, "
                                               "2 to 20 labels)")
    if named is None and dna.modality != "audio":
        raise UnsupportedSeed(seed.public_dir, f"unsupported labels: no label table; the {dna.modality} "
                                               f"{dna.task_type} task keeps its labels in media file names, "
                                               "which no generator family reads yet")
    if named is None and dna.task_type not in ("binary", "multiclass"):
        raise UnsupportedSeed(seed.public_dir, f"unsupported task type for the audio family: {dna.task_type} "
                                               "without a label table (labels in auxiliary files, as "
                                               "mlsp-2013-birds' flattened rows); it generates binary and "
                                               "multi-class tasks only")
    if named is None:
        raise UnsupportedSeed(seed.public_dir, "unsupported labels: no label table, and the training clips' names "
                                               "carry no label (`<name>_<label>.<ext>`)")
    media = "image_file" if dna.modality == "image" else "clip_file"
    train = pd.DataFrame({dna.id_column: named["name"], media: named["path"].str.split("!").str[-1],
                          dna.target_columns[0]: named["label"]})
    train.attrs["labels_in_names"] = True  # the audio and image kits' profile details keep it for the drafter
    if dna.modality == "image":  # how the seed names and packs its photos: the drafted environment does the same
        from sandmle_core.modalities.image.named import layout_of

        tests = [p for p in take_inventory(seed.public_dir).media.get("image", []) if "test" in p.lower()]
        layout = layout_of(named["path"].tolist(), tests, named["label"].tolist())
        train.attrs["name_layout"] = layout.model_dump(mode="json")
    return train


def _image_labels_from_names(seed: SeedTask) -> pd.DataFrame | None:
    """The labels of an image seed's training photos read from their names: `<name>_<label>.<ext>` or, as dogs vs.
    cats names them, `<label>.<number>.<ext>`; None when the names carry none."""
    images = [p for p in take_inventory(seed.public_dir).media.get("image", []) if "train" in p.lower()]
    return labels_from_names(images) if labels_from_names(images) is not None else labels_from_prefixes(images)


def _task_type(grading: GradingSpec, train: pd.DataFrame, modality: Modality) -> TaskType:
    fixed = get_kit(modality).task_type  # a modality with one task type (forecasting)
    if fixed is not None:
        return fixed
    if len(grading.target_columns) > 1:
        return TaskType.MULTI_TARGET if METRICS[grading.metric].kind == "value" else TaskType.MULTILABEL
    if grading.metric == "quadratic_weighted_kappa":
        return TaskType.ORDINAL
    kind = METRICS[grading.metric].kind
    if kind == "value":
        return TaskType.REGRESSION
    n = train[grading.target_columns[0]].nunique()
    return TaskType.BINARY if n <= 2 else TaskType.MULTICLASS


def profile_seed(seed: SeedTask, max_rows: int = 200_000) -> TaskProfile:
    """Read a seed's files and describe its task.

    Args:
        seed: a loaded seed.
        max_rows: rows of train.csv read at most (profiles of huge seeds use the first rows).

    Raises:
        UnsupportedSeed: the seed was read, but no registered generator family keeps its Task DNA (the reason says
            which modality, task type or metric).
        SeedError: naming the file when the task cannot be read or its grading cannot be told.
    """
    dna = None
    if seed.grading is not None:  # a bundled seed: graded as its config declares
        train, grading = seed.read_train(nrows=max_rows), seed.grading
        n_test = len(seed.read_test())
    else:
        train, grading, dna, n_test = _dna_grading(seed, max_rows)
    labels = ("__label__",) if dna and dna.label_column else grading.target_columns
    if get_metric(grading.metric).kind == "ranked_list":
        labels = tuple(c for c in labels if c in train.columns)  # the ranked lists live in the answers only
    missing = [c for c in labels if c not in train.columns]
    if missing:
        raise SeedError(seed.train_path or seed.public_dir, f"missing column(s) {missing} named by the grading "
                                                            "contract")
    skip = {*labels, *(dna.train_only_columns if dna else ())}
    features = _text_keyed(train, skip, grading.id_column, dna)
    kinds = [f.kind for f in features if f.kind != "id"]
    hinted = seed.hints.get("modality") or (dna.modality if dna else None)
    modality = Modality(_kept(hinted, dna.task_type if dna else None)) if hinted else detect_modality(kinds)
    hinted_type = seed.hints.get("task_type") or (dna.task_type if dna else None)
    task_type = TaskType(hinted_type) if hinted_type else _task_type(grading, train, modality)
    target = train[list(labels)]
    balance = cardinality = skew = None
    one_hot = len(labels) > 1 and task_type != TaskType.MULTI_TARGET  # one answer column per class or label
    if task_type == TaskType.MULTI_TARGET:  # several numbers: the most skewed target speaks for the skew
        skews = [float(v.skew()) for c in labels if len(v := pd.to_numeric(target[c], errors="coerce").dropna()) > 2]
        skew = round(max(skews, key=abs), 4) if skews else None
    elif one_hot or task_type == TaskType.MULTILABEL:
        cardinality = int(train.attrs.get("flattened_labels") or len(grading.target_columns))
        balance = {c: round(float(pd.to_numeric(target[c], errors="coerce").mean()), 4) for c in target.columns}
    elif task_type == TaskType.RANKING:
        pass  # no class balance or skew: the target is a ranked list of items
    elif task_type in (TaskType.BINARY, TaskType.MULTICLASS, TaskType.ORDINAL):
        counts = target.iloc[:, 0].astype(str).value_counts(normalize=True).sort_index()
        balance = {str(k): round(float(v), 4) for k, v in counts.items()}
        cardinality = len(balance)
    else:
        values = pd.to_numeric(target.iloc[:, 0], errors="coerce").dropna()
        skew = round(float(values.skew()), 4) if len(values) > 2 else None
    problem = hosting_problem(modality.value, task_type.value, cardinality)
    one_hot_image = get_kit(modality).one_hot_classes and one_hot and get_metric(grading.metric).kind == "probability"
    if dna is not None and task_type == TaskType.MULTICLASS and not one_hot_image and METRICS[
            grading.metric].kind not in ("label", "class_probabilities"):
        problem = (f"unsupported submission shape: a multiclass task scored by {grading.metric} over "
                   f"{len(grading.submission_columns)} per-class columns; generated multiclass tasks are scored on "
                   "a label or on class probabilities, which would change the submission")
    if problem:  # refused here, with its real cause, rather than at every slot's draft
        raise UnsupportedSeed(seed.root, problem)
    public = [f for f in features if f.kind != "id"]
    mix: dict[str, int] = {}
    for f in public:
        mix[f.kind] = mix.get(f.kind, 0) + 1
    kit = get_kit(modality)
    if dna is not None and kit.ladder_column and kit.ladder_column[1].value not in {"image", *kinds}:
        need = kit.ladder_column[1].value
        raise UnsupportedSeed(seed.root, f"unsupported input: the {modality} family needs a public {need} column; "
                                         f"this seed has none besides its id ({grading.id_column!r}), which no "
                                         "generator family keeps as the input itself")
    train.attrs["public_dir"] = str(seed.public_dir)  # for kits that read the seed's media (an image seed's colour)
    details = kit.profile_details(train, public, n_test)
    if dna is not None:
        details = {**details, "dna": dna.model_dump(mode="json", exclude={"files"}), "files": dna.files}
    return TaskProfile(
        seed_id=seed.id, modality=modality, task_type=task_type, grading=grading, metric=grading.metric,
        lower_is_better=METRICS[grading.metric].lower_is_better, n_train=len(train), n_test=n_test,
        label_cardinality=cardinality, class_balance=balance, target_skewness=skew,
        missing_rate=round(float(train[[f.name for f in public]].isna().mean().mean()) if public else 0.0, 4),
        feature_mix=dict(sorted(mix.items())), features=features, details=details,
    )
