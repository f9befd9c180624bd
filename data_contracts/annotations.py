"""The data contract of `train_annotations.csv`, the drawn lines of a multi-label findings environment (mle-bench's
ranzcr-clip-catheter-line-classification layout).

Its rows are `<id>,<label>,<data>`: a training image, the finding it shows, and the line drawn for it as a JSON list
of `[x, y]` integer pixel points. The annotations are training data, so they must name training images only: an
annotation of a test image says which findings it shows, and those are the answers. Expectations are plain `Expect`
values, as in `suites`.
"""

from __future__ import annotations

from sandmle.data_contracts.suites import Expect, _layout, _not_null

from sandmle_core.taskspec import TaskSpec

__all__ = ["ANNOTATIONS", "annotation_suite", "has_annotations"]

ANNOTATIONS = "prepared/public/train_annotations.csv"
# two or more [x, y] points of whole pixels, written as json.dumps writes them: [[12, 3], [11, 5]]
POINTS_REGEX = r"^\[\[\d+, \d+\](?:, \[\d+, \d+\])+\]$"


def has_annotations(spec: TaskSpec) -> bool:
    """Whether the spec is a multi-label image task, whose environments ship train_annotations.csv."""
    return getattr(spec.rule, "cues", None) is not None


def annotation_suite(spec: TaskSpec, train_ids: list[str] | None, test_ids: list[str] | None) -> list[Expect]:
    """The expectations of train_annotations.csv.

    Args:
        spec: the environment's spec (its id column and labels).
        train_ids, test_ids: the ids of train.csv and the test ids (test.csv's, or the names in `test/` where the
            seed has no test.csv) as text, or None when unreadable (the cross-file expectations are then left out).

    Returns:
        The expectations, in a fixed order.
    """
    id_col = spec.grading.id_column
    out = [*_layout([id_col, "label", "data"], "id, the finding, its drawn line"),
           Expect("ExpectTableRowCountToBeBetween", {"min_value": 1}, "some training images are annotated"),
           _not_null(id_col), _not_null("label"), _not_null("data"),
           Expect("ExpectColumnValuesToBeInSet", {"column": "label", "value_set": list(spec.target.columns)},
                  "the label names one of the findings"),
           Expect("ExpectColumnValuesToMatchRegex", {"column": "data", "regex": POINTS_REGEX},
                  "a list of two or more [x, y] pixel points"),
           Expect("ExpectCompoundColumnsToBeUnique", {"column_list": [id_col, "label"]},
                  "one line per image and finding")]
    if test_ids is not None:
        out.append(Expect("ExpectColumnValuesToNotBeInSet", {"column": id_col, "value_set": test_ids},
                          "no test image is annotated: its lines would give its findings away"))
    if train_ids is not None:
        out.append(Expect("ExpectColumnValuesToBeInSet", {"column": id_col, "value_set": train_ids},
                          "annotations name training images"))
    return out
