"""The data contract of a labels-in-names image environment (mle-bench's dogs vs. cats shape).

It ships no train.csv or test.csv: its artifacts are the file listings of its training and test images (`train.zip`
and `test.zip`, or `train/` and `test/`; `sandmle_core.modalities.image.named.read_listing` reads them into frames),
the sample submission and the answers. Every training name must parse to one of the layout's label words, in the
seed's scheme (`<label>.<n>.jpg`); a test name must carry no label (`<id>.jpg`, nothing else), and the test ids
must be exactly the sample submission's and the answers' ids. Expectations are plain `Expect` values, as in `suites`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from sandmle.data_contracts.suites import (
    ANSWERS,
    SAMPLE_SUBMISSION,
    Expect,
    _covers_test_ids,
    _ids,
    _layout,
    _submitted,
    _target,
)

from sandmle_core.envfolder import EnvFolder
from sandmle_core.modalities.image.named import NameLayout, read_listing
from sandmle_core.taskspec import TaskSpec

__all__ = ["is_named", "listing_artifacts", "named_suites"]


def is_named(spec: TaskSpec) -> bool:
    """Whether the spec ships its images in a seed's labels-in-names layout."""
    return getattr(spec.rule, "names", None) is not None


def listing_artifacts(spec: TaskSpec, root: Path) -> dict[str, pd.DataFrame]:
    """The train and test listings as frames, keyed by their artifact path (`prepared/public/train.zip`)."""
    names: NameLayout = spec.rule.names  # type: ignore[attr-defined]
    folder = EnvFolder(Path(root))
    train, test = read_listing(names, folder.public, spec.target.classes or ())
    base = folder.relpath(folder.public)
    return {f"{base}/{names.part('train')}": train, f"{base}/{names.part('test')}": test}


def named_suites(spec: TaskSpec, test_ids: list[str] | None) -> dict[str, list[Expect]]:
    """The expectations of every artifact of a labels-in-names environment.

    Args:
        spec: the environment's spec (`rule.names` is its layout).
        test_ids: the ids the test listing's names give, as text, or None when the listing could not be read.

    Returns:
        artifact (relative path) → its expectations: the two listings, the sample submission and the answers.
    """
    names: NameLayout = spec.rule.names  # type: ignore[attr-defined]
    id_col = spec.grading.id_column
    ext = re.escape(names.extension)
    words = "|".join(re.escape(w) for w in names.words)
    named = (rf"^(?:{words})\.\d+{ext}$" if names.scheme == "prefix" else rf"^\d+_(?:{words}){ext}$")
    shape = "`<label>.<n>`" if names.scheme == "prefix" else "`<n>_<label>`"
    train = [
        Expect("ExpectTableRowCountToEqual", {"value": spec.n_train}, "one training image per training row"),
        Expect("ExpectColumnValuesToBeUnique", {"column": "name"}, "training names are unique"),
        Expect("ExpectColumnValuesToMatchRegex", {"column": "name", "regex": named},
               f"every training name parses to a known label ({shape}{names.extension})"),
        Expect("ExpectColumnValuesToNotBeNull", {"column": "label"}, "every training name's label is a class"),
        Expect("ExpectColumnValuesToBeInSet", {"column": "label", "value_set": list(spec.target.classes or ())},
               "one of the target's classes"),
        Expect("ExpectColumnValuesToMatchRegex", {"column": "file", "regex": r"^(?:train\.zip!)?train/[^/]+$"},
               "training images sit in train/ (or train.zip's train/)"),
    ]
    id_shape = r"\d+" if names.numeric_ids else r"[^./_]+"
    test = [
        Expect("ExpectTableRowCountToEqual", {"value": spec.n_test}, "one test image per test row"),
        Expect("ExpectColumnValuesToMatchRegex", {"column": "name", "regex": rf"^{id_shape}{ext}$"},
               "a test name is its id only: it carries no label"),
        *_ids("id"),
        Expect("ExpectColumnValuesToMatchRegex", {"column": "file", "regex": r"^(?:test\.zip!)?test/[^/]+$"},
               "test images sit in test/ (or test.zip's test/)"),
    ]
    if test_ids is not None:  # the sample's and answers' ids are exactly the test names' ids
        test_set = sorted(set(test_ids))
    else:
        test_set = None
    sample = [*_layout([id_col, *spec.grading.submission_columns], "id and the submission columns"),
              Expect("ExpectTableRowCountToEqual", {"value": spec.n_test}, "one row per test image"),
              *_ids(id_col), *_covers_test_ids(id_col, test_set),
              *[e for c in spec.grading.submission_columns for e in _submitted(spec, c)]]
    answers = [*_layout([id_col, *spec.target.columns], "id and the target columns"),
               Expect("ExpectTableRowCountToEqual", {"value": spec.n_test}, "one row per test image"),
               *_ids(id_col), *_covers_test_ids(id_col, test_set),
               *[e for t in spec.target.columns for e in _target(spec, t)]]
    part = EnvFolder(Path("."))
    base = part.relpath(part.public)
    return {f"{base}/{names.part('train')}": train, f"{base}/{names.part('test')}": test,
            SAMPLE_SUBMISSION: sample, ANSWERS: answers}
