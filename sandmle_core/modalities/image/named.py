"""Images whose file names carry the training label, in the seed's own layout (mle-bench's dogs vs. cats).

Dogs vs. cats ships no label table: `train.zip` holds `train/cat.0.jpg`, `train/dog.0.jpg`, ... (the label is the
name's first word), `test.zip` holds `test/1.jpg`, `test/2.jpg`, ... (a numeric id), and the sample submission is
`id,label`. `NameLayout` records how a seed names and packs its images (read from its listing by `layout_of`), and an
environment drafted from it ships the same shape: `write_named` packs the rendered images as the seed does (zips or
folders, JPEG at a fixed quality or PNG, zip members with a fixed date), and writes no train.csv or test.csv.
`read_listing` is the other way round: the training files with the label their name gives and the test files with
their id, which the ladder prelude, the data contracts and the verifier's checks all read instead of tables.

`public_tables`/`tables_of` give the same listing as the train and test frames that row-wise checks read, and so do
they for the other image layout whose seed ships fewer tables (ranzcr's: no test.csv, no image column;
`multilabel.public_tables`).

Imports: numpy, pandas, Pillow and pydantic.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from sandmle_core.envfolder import EnvFolder
    from sandmle_core.taskspec import TaskSpec

__all__ = ["JPEG_QUALITY", "NameLayout", "data_files_lines", "file_name", "label_of", "layout_of",
           "public_tables", "read_listing", "tables_of", "test_id_of", "write_named"]

JPEG_QUALITY = 90  # fixed: the same pixels always give the same bytes
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # zip members carry no build time
_PARTS = ("train", "test")


class NameLayout(BaseModel):
    """How a labels-in-names seed names and packs its images.

    Attributes:
        scheme: `prefix` = `<label>.<n>.<ext>` (dogs vs. cats), `suffix` = `<stem>_<label>.<ext>`.
        words: the word each class goes by in a training name, in the order of the target's classes.
        container: `zip` = `train.zip`/`test.zip` holding `train/...`/`test/...`; `folder` = `train/`, `test/`.
        image_format: `jpeg` (`.jpg`) or `png`.
        numeric_ids: test images are named by a number (`1.jpg`), as the seed's are.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    scheme: Literal["prefix", "suffix"]
    words: tuple[str, ...] = Field(min_length=2)
    container: Literal["zip", "folder"]
    image_format: Literal["jpeg", "png"]
    numeric_ids: bool = True

    @property
    def extension(self) -> str:
        return ".jpg" if self.image_format == "jpeg" else ".png"

    def part(self, which: str) -> str:
        """The public file (zip) or folder holding a part's images, relative to the public folder."""
        return f"{which}.zip" if self.container == "zip" else f"{which}/"


def file_name(layout: NameLayout, word: str, number: int) -> str:
    """A training image's name: `<word>.<number><ext>` or `<number>_<word><ext>`."""
    if layout.scheme == "prefix":
        return f"{word}.{number}{layout.extension}"
    return f"{number}_{word}{layout.extension}"


def label_of(layout: NameLayout | None, name: str) -> str | None:
    """The label word a file name carries under the layout's scheme (None when it carries none)."""
    base = name.rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0]
    if layout is None or layout.scheme == "prefix":
        parts = base.split(".")
        return parts[0] if len(parts) == 3 and parts[0] and parts[1].isdigit() else None
    suffix = stem.rsplit("_", 1)[1] if "_" in stem else ""
    return suffix or None


def test_id_of(layout: NameLayout, name: str) -> str:
    """A test image's id: its stem when that is all digits (`7.jpg`), otherwise the number a name in the training
    names' shape would carry (`dog.7.jpg` → 7, `7_1.jpg` → 7), so a leaky name still lines up with its answer."""
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    runs = re.findall(r"\d+", stem)
    if stem.isdigit() or not runs:
        return stem
    return runs[-1] if layout.scheme == "prefix" else runs[0]


def layout_of(train_paths: Sequence[str], test_paths: Sequence[str], labels: Sequence[str]) -> NameLayout:
    """The layout of a seed's images, from its listing (`archive.zip!member` or folder paths) and the labels read
    from the training names; words are the labels in sorted order (dogs vs. cats: `cat` is class 0, `dog` 1)."""
    names = [p.split("!")[-1].rsplit("/", 1)[-1] for p in train_paths]
    prefix = all(label_of(None, n) is not None for n in names)
    jpeg = all(n.lower().endswith((".jpg", ".jpeg")) for n in names)
    stems = [p.split("!")[-1].rsplit("/", 1)[-1].rsplit(".", 1)[0] for p in test_paths]
    return NameLayout(scheme="prefix" if prefix else "suffix", words=tuple(sorted(set(labels))),
                      container="zip" if all("!" in p for p in train_paths) else "folder",
                      image_format="jpeg" if jpeg else "png",
                      numeric_ids=bool(stems) and all(s.isdigit() for s in stems))


def _encode(array: np.ndarray, layout: NameLayout) -> bytes:
    buffer = io.BytesIO()
    if layout.image_format == "jpeg":  # baseline, no optimisation pass, fixed quality: deterministic bytes
        Image.fromarray(array).save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False)
    else:
        Image.fromarray(array).save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def write_named(layout: NameLayout, public: Path, files: dict[str, list[tuple[str, np.ndarray]]]) -> None:
    """Write each part's images (`part` → [(name, pixels)]) as the layout packs them, members in the given order.

    Zip members are stored (JPEG and PNG do not compress further) with a fixed date and mode, so a rebuild gives the
    same bytes."""
    for which, items in files.items():
        if layout.container == "zip":
            path = public / layout.part(which)
            path.unlink(missing_ok=True)
            with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
                for name, array in items:
                    info = zipfile.ZipInfo(f"{which}/{name}", date_time=_ZIP_DATE)
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, _encode(array, layout))
        else:
            folder = public / which
            folder.mkdir(parents=True, exist_ok=True)
            for stale in folder.iterdir():  # images of an earlier, larger run must not linger
                stale.unlink()
            for name, array in items:
                (folder / name).write_bytes(_encode(array, layout))


def _members(layout: NameLayout, public: Path, which: str) -> list[str]:
    """A part's image files as references relative to the public folder (`train.zip!train/cat.0.jpg`)."""
    if layout.container == "zip":
        path = public / layout.part(which)
        if not path.is_file():
            return []
        with zipfile.ZipFile(path) as archive:
            return [f"{path.name}!{n}" for n in archive.namelist() if not n.endswith("/")]
    folder = public / which
    return sorted(f"{which}/{p.name}" for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def read_listing(layout: NameLayout, public: Path, classes: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What ships, as two frames: training files (`file` the member or path, `name`, `word` the label its name
    carries or None, `label` the class of that word or None) and test files (`file`, `name`, `id`)."""
    to_class = dict(zip(layout.words, classes, strict=False))
    train_refs, test_refs = _members(layout, public, "train"), _members(layout, public, "test")
    names = [r.split("!")[-1].rsplit("/", 1)[-1] for r in train_refs]
    words = [label_of(layout, n) for n in names]
    train = pd.DataFrame({"file": train_refs, "name": names, "word": words,
                          "label": [to_class.get(w) if w is not None else None for w in words]})
    test_names = [r.split("!")[-1].rsplit("/", 1)[-1] for r in test_refs]
    test = pd.DataFrame({"file": test_refs, "name": test_names, "id": [test_id_of(layout, n) for n in test_names]})
    return train, test


def data_files_lines(layout: NameLayout, classes: Sequence[str], n_train: int, n_test: int, submission: str,
                     id_column: str, subject: str) -> list[str]:
    """The description's data-files section: where the images are and how their names encode the label."""
    example = file_name(layout, layout.words[-1], 12)
    shape = "`<label>.<number>" if layout.scheme == "prefix" else "`<number>_<label>"
    shape += f"{layout.extension}`"
    kind = "JPEG" if layout.image_format == "jpeg" else "PNG"
    mapping = ", ".join(f"`{w}` = {c}" for w, c in zip(layout.words, classes, strict=False))
    train_at = f"`{layout.part('train')}`" + (" (members `train/...`)" if layout.container == "zip" else "")
    test_at = f"`{layout.part('test')}`" + (" (members `test/...`)" if layout.container == "zip" else "")
    return [
        f"- {train_at} — {n_train} training images ({subject}, {kind}). There is no label table: as in the original "
        f"competition, each training image's file name carries its label, {shape} (e.g. `{example}`); the label "
        f"words are {mapping}.",
        f"- {test_at} — {n_test} test images named by their id only (`<{id_column}>{layout.extension}`, e.g. "
        f"`1{layout.extension}`).",
        f"- `sample_submission.csv` — a valid submission in the expected format: one row per test image, "
        f"`{id_column}` (the test image's file name without its extension) and `{submission}`.",
    ]


def public_tables(spec: TaskSpec, public: Path) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The table view of a labels-in-names environment, for code that reasons over rows: train (id = the file name,
    `image` = its reference, the target = the class its name gives) and test (id, `image`); a multi-label image
    environment without test.csv or an image column gets the same view (`multilabel.public_tables`); None for other
    specs."""
    names = getattr(spec.rule, "names", None)
    if names is None:
        from sandmle_core.modalities.image.multilabel import public_tables as seed_tables

        return seed_tables(spec, public)
    train, test = read_listing(names, public, spec.target.classes or ())
    id_col, target = spec.grading.id_column, spec.target.columns[0]
    return (pd.DataFrame({id_col: train["name"], "image": train["file"], target: train["label"]}),
            pd.DataFrame({id_col: test["id"], "image": test["file"]}))


def tables_of(spec: TaskSpec, folder: EnvFolder) -> tuple[pd.DataFrame, pd.DataFrame]:
    """train and test as frames: train.csv and test.csv, or the file listing of a labels-in-names environment (or the
    listing of `test/` where a multi-label image environment has no test.csv, as its seed)."""
    named = public_tables(spec, folder.public)
    return named if named is not None else (pd.read_csv(folder.train), pd.read_csv(folder.test))
