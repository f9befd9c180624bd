"""The image modality: multi-class (one label column, or one 0/1 column per class), binary (detection) and ordinal
(graded) classification of procedural PNGs (plus capture-setting metadata), in colour when the seed's images are.

`rule` holds the hidden per-class patterns and nuisance model (`ImageRule`), `drafter` draws it from a domain's
image vocabulary, `synthesizer` renders the images and writes the tables, `ladder` writes the solution scripts;
`ordinal`/`ordinal_ladder` add graded lesions, `onehot` the one-column-per-class tables, `named` the layout of a seed
whose training image names carry the label (dogs vs. cats: zips of `<label>.<n>.jpg`, no tables), `leaf` the
silhouettes and descriptor table of a many-class image + tabular seed (leaf classification), `story` the
description's framing, `colour`/`colour_profile` the colour of a colour seed's environments. `KIT` is what the
registry sees.

Imports: `sandmle_core.modalities.base`, the shared vocabulary, the seed inventory (to read a seed's colour) and its own
modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sandmle_core.modalities.base import ModalityKit, class_count_range
from sandmle_core.modalities.image import drafter, ladder, leaf, metadata, story, synthesizer
from sandmle_core.modalities.image.colour_profile import read_seed_colour
from sandmle_core.modalities.image.drafter import ID_COLUMN, IMAGE_COLUMN
from sandmle_core.modalities.image.rule import ImageRule
from sandmle_core.modalities.image.synthesizer import IMAGE_DIR
from sandmle_core.spec import Challenge, ColumnKind, Modality, TaskType

if TYPE_CHECKING:
    import pandas as pd

    from sandmle_core.catalog.schema import Domain
    from sandmle_core.profile import FeatureProfile, TaskProfile
    from sandmle_core.taskspec import TaskSpec

__all__ = ["ID_COLUMN", "IMAGE_COLUMN", "IMAGE_DIR", "KIT"]


def _detects(kinds: Sequence[str]) -> bool:
    return "image" in kinds


def _hosts(domain: Domain, task_type: TaskType, min_classes: int) -> bool:
    if task_type == TaskType.MULTICLASS and domain.silhouettes is not None and len(
            domain.silhouettes.classes) >= min_classes:  # a silhouette seed's domain (`_suits` keeps it for those)
        return True
    return _hosts_images(domain, task_type, min_classes)


def _hosts_images(domain: Domain, task_type: TaskType, min_classes: int) -> bool:
    if domain.image is None:
        return False
    if task_type == TaskType.BINARY:  # a detection task: one vocabulary class against a look-alike other
        return True
    if task_type == TaskType.ORDINAL:  # grades 0..K-1 drawn as lesions, of what the domain grades (`grade`)
        return domain.image.grade is not None
    if task_type == TaskType.MULTILABEL:  # ranzcr: the vocabulary's classes as independent findings
        return len(domain.image.classes) >= min_classes
    return task_type == TaskType.MULTICLASS and len(domain.image.classes) >= min_classes


def _suits(domain: Domain, profile: TaskProfile) -> bool:
    """A silhouette seed (leaf classification) is drafted in the domains with a silhouette vocabulary only; any other
    image seed in the domains whose image vocabulary hosts it."""
    if leaf.is_silhouette_seed(profile):
        return domain.silhouettes is not None
    if metadata.is_metadata_seed(profile):  # body sites and ages beside skin photographs: the skin domains only
        return domain.image is not None and domain.image.skin_spots
    need = class_count_range(profile.label_cardinality)[0] if profile.label_cardinality else 2
    return _hosts_images(domain, profile.task_type, need)


def _profile_details(train: pd.DataFrame, public: Sequence[FeatureProfile], n_test: int) -> dict[str, Any]:
    """The image column, whether the training images' names carry their label (and their layout), and whether the
    seed's images are in colour (read from a sample of them in the seed's public folder, which the profiler puts in
    `train.attrs`)."""
    details = {"image_column": next((f.name for f in public if f.kind == "image"), None),
               "labels_in_names": bool(train.attrs.get("labels_in_names", False)),
               **({"name_layout": train.attrs["name_layout"]} if "name_layout" in train.attrs else {})}
    folder = train.attrs.get("public_dir")
    return {**details, **read_seed_colour(Path(folder))} if folder else details


def _data_files(spec: TaskSpec, files: list[str]) -> list[str]:
    if isinstance(spec.rule, ImageRule) and spec.rule.silhouettes is not None:  # leaf-classification's layout
        return leaf.data_files(spec, files)
    if isinstance(spec.rule, ImageRule) and spec.rule.spots is not None:  # image + metadata (siim-isic's layout)
        from sandmle_core.modalities.image.metadata import metadata_files

        return metadata_files(spec, files)
    coloured = isinstance(spec.rule, ImageRule) and spec.rule.colour is not None
    if isinstance(spec.rule, ImageRule) and spec.rule.names is not None:  # the seed's labels-in-names layout
        from sandmle_core.modalities.image.named import data_files_lines

        size = spec.rule.image_size
        return data_files_lines(spec.rule.names, spec.target.classes or (), spec.n_train, spec.n_test,
                                spec.grading.submission_columns[0], spec.grading.id_column,
                                f"{size}x{size} pixels, {'colour (RGB)' if coloured else 'grayscale'}")
    if isinstance(spec.rule, ImageRule) and spec.rule.cues is not None:  # ranzcr: its folders, annotations, columns
        return [*_finding_tables(spec, files[:2]), *_finding_files(spec), *files[2:]]
    line = (f"- `{IMAGE_DIR}/` — one {'colour (RGB) PNG' if coloured else 'PNG'} per row; the `{IMAGE_COLUMN}` column "
            "holds its path relative to the data folder.")
    if isinstance(spec.rule, ImageRule) and spec.rule.label_in_name:
        line += (" As in the original competition, a training image's file name ends in its label "
                 "(`img00042_1.png`); test images are named by their id only.")
    return [*files[:2], line, *files[2:]]


def _finding_tables(spec: TaskSpec, tables: list[str]) -> list[str]:
    """The train.csv and test.csv lines of a multi-label findings task, as its seed ships them: ranzcr's train.csv
    holds the id and the labels (no image column), and there is no test.csv."""
    cues = spec.rule.cues
    if cues.image_column:
        return tables if cues.test_table else tables[:1]
    train = f"- `train.csv` — {spec.n_train} rows: the id and the label columns (the image is found by the id)."
    if not cues.test_table:
        return [train]
    return [train, f"- `test.csv` — {spec.n_test} rows: the id of each test image."]


def _finding_files(spec: TaskSpec) -> list[str]:
    """The data-files lines of a multi-label findings task (ranzcr's layout): the JPEG folders, the training
    annotations, the train-only group column and the unscored labels."""
    from sandmle_core.modalities.image.multilabel import ANNOTATIONS, PARTS

    id_col, size, cues = spec.grading.id_column, spec.rule.image_size, spec.rule.cues
    unscored = [c for c in spec.target.columns if c not in spec.grading.target_columns]
    where = (f"the `{IMAGE_COLUMN}` column holds its path relative to the data folder" if cues.image_column else
             f"a row's image is `{PARTS[0]}/<{id_col}>.jpg` or `{PARTS[1]}/<{id_col}>.jpg`")
    test_ids = ("" if cues.test_table else f" There is no test table: the test ids are the file names in "
                f"`{PARTS[1]}/` without `.jpg` ({spec.n_test} images), the ids `sample_submission.csv` lists.")
    lines = [f"- `{PARTS[0]}/` and `{PARTS[1]}/` — one grayscale JPEG ({size}x{size} pixels) per image, named "
             f"`<{id_col}>.jpg`; {where}.{test_ids}",
             f"- `{ANNOTATIONS}` — `{id_col}`, `label`, `data`: for some of the training images (not all), one row "
             "per finding the image shows, with `label` naming the finding and `data` the drawn line as a list of "
             "`[x, y]` pixel points (x across, y down, from the top-left corner). There are annotations for "
             "training images only, none for the test images.",
             f"- `train.csv` also holds `{cues.group_column}`, the {cues.group_noun} an image comes from (one "
             f"{cues.group_noun} may have several images; the test images' {cues.group_noun}s are not given)."]
    if unscored:
        lines[-1] += (" The label columns " + ", ".join(f"`{c}`" for c in unscored) + " are in `train.csv` but are "
                      "neither scored nor submitted.")
    return lines


def _story(domain: Domain) -> str:
    """A domain's image story: what its images show; a domain whose only images are silhouettes tells the
    silhouette task (its images and descriptors), never a generic "photograph"."""
    if domain.image is None and domain.silhouettes is not None:
        return leaf.story(domain)
    return story.story(domain)


KIT = ModalityKit.assemble(
    drafter, synthesizer, ladder, modality=Modality.IMAGE, rule_model=ImageRule, test_rows=(100, 250),
    extra_challenges=(Challenge.NUISANCE_VARIATION, Challenge.LABEL_NOISE), detects=_detects, hosts=_hosts,
    ladder_column=("image_column", ColumnKind.IMAGE), profile_details=_profile_details, data_files=_data_files,
    row_noun=story.row_noun, story_template=_story, one_hot_classes=True,
    keeps=(("image+tabular", "binary"), ("image+tabular", "multiclass")), suits=_suits)
