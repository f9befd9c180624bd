"""The labels-in-names layout (`image/named.py`) on its own: read from a seed's listing, written and listed back in
both containers and schemes, byte-identical on a rewrite, and a leaky test name lined up with its answer's id."""

from __future__ import annotations

import numpy as np
import pytest

from sandmle_core.modalities.image.named import (
    NameLayout,
    file_name,
    label_of,
    layout_of,
    read_listing,
    write_named,
)
from sandmle_core.modalities.image.named import (
    test_id_of as id_of_test_name,
)


def _pixels(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (32, 32), dtype=np.uint8)


def test_the_layout_is_read_from_the_seed_listing():
    layout = layout_of(["train.zip!train/dog.0.jpg", "train.zip!train/cat.0.jpg"], ["test.zip!test/1.jpg"],
                       ["dog", "cat"])
    assert layout == NameLayout(scheme="prefix", words=("cat", "dog"), container="zip", image_format="jpeg")
    folder = layout_of(["train/0_a.png", "train/1_b.png"], ["test/x1.png"], ["a", "b"])
    assert (folder.scheme, folder.container, folder.image_format, folder.numeric_ids) == (
        "suffix", "folder", "png", False)


@pytest.mark.parametrize(("scheme", "container", "fmt"), [("prefix", "zip", "jpeg"), ("suffix", "folder", "png"),
                                                          ("prefix", "folder", "jpeg"), ("suffix", "zip", "png")])
def test_written_images_list_back_with_their_labels_and_rewrite_identically(tmp_path, scheme, container, fmt):
    layout = NameLayout(scheme=scheme, words=("rock", "ore"), container=container, image_format=fmt)
    train = [(file_name(layout, w, n), _pixels(3 * n + len(w))) for w in layout.words for n in range(3)]
    test = [(f"{i}{layout.extension}", _pixels(100 + i)) for i in range(1, 5)]
    write_named(layout, tmp_path, {"train": train, "test": test})
    listed_train, listed_test = read_listing(layout, tmp_path, ("0", "1"))
    assert sorted(zip(listed_train["word"], listed_train["label"], strict=True)) == sorted(
        [("rock", "0")] * 3 + [("ore", "1")] * 3)
    assert sorted(listed_test["id"].astype(int)) == [1, 2, 3, 4]
    first = {p.relative_to(tmp_path): p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    write_named(layout, tmp_path, {"train": train, "test": test})
    again = {p.relative_to(tmp_path): p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    assert first == again  # fixed JPEG quality, fixed zip dates: the same pixels give the same bytes


def test_names_parse_per_scheme_and_a_leaky_test_name_keeps_its_id():
    prefix = NameLayout(scheme="prefix", words=("cat", "dog"), container="zip", image_format="jpeg")
    suffix = prefix.model_copy(update={"scheme": "suffix"})
    assert label_of(prefix, "train/dog.12.jpg") == "dog" and label_of(prefix, "test/12.jpg") is None
    assert label_of(suffix, "train/12_dog.jpg") == "dog" and label_of(suffix, "test/12.jpg") is None
    assert id_of_test_name(prefix, "test/7.jpg") == "7" and id_of_test_name(prefix, "test/dog.7.jpg") == "7"
    assert id_of_test_name(suffix, "test/7_1.jpg") == "7"


def test_a_zipped_test_image_copied_from_a_zipped_training_image_is_a_near_duplicate(tmp_path):
    from sandmle_core.modalities.image.variety import near_duplicates, zip_images

    layout = NameLayout(scheme="prefix", words=("cat", "dog"), container="zip", image_format="jpeg")
    train = [(file_name(layout, w, n), _pixels(10 * n + i)) for i, w in enumerate(layout.words) for n in range(3)]
    test = [("1.jpg", _pixels(500)), ("2.jpg", train[4][1])]  # test image 2 is training image dog.1
    write_named(layout, tmp_path, {"train": train, "test": test})
    members = zip_images(tmp_path)  # read from the archives as the verifier reads them, never unpacked
    assert len(members) == 8 and all(isinstance(m, tuple) for m in members)
    pairs = near_duplicates(members)
    assert [(a[1].rsplit("/", 1)[-1], b[1].rsplit("/", 1)[-1]) for a, b, _ in pairs] == [("2.jpg", "dog.1.jpg")]


def test_the_ladder_scripts_open_each_archive_once_not_once_per_image(tmp_path, monkeypatch):
    """Reading zip members must not re-open the archive per image: every open parses the whole central directory,
    so the dogs-vs-cats ladder at 20,000 images spent 16 CPU minutes in level 1 alone before the `ARCHIVES` cache."""
    import zipfile

    import pandas as pd

    from sandmle_core.modalities.image.ladder import _PRELUDE

    layout = NameLayout(scheme="prefix", words=("cat", "dog"), container="zip", image_format="png")
    train = [(file_name(layout, w, n), _pixels(7 * n + i)) for i, w in enumerate(layout.words) for n in range(6)]
    write_named(layout, tmp_path, {"train": train, "test": [("1.png", _pixels(99))]})
    (tmp_path / "public").mkdir()
    for archive in tmp_path.glob("*.zip"):
        archive.rename(tmp_path / "public" / archive.name)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"SEED_ENV": "SANDMLE_TEST_SEED", "NAMES": None, "IMAGE": "image"}
    exec(compile(_PRELUDE, "prelude", "exec"), namespace)  # the scripts' shared prelude, as each level runs it
    refs = namespace["listing"]("train")
    assert len(refs) == 12 and all(r.startswith("train.zip!") for r in refs)
    opened = []
    real = zipfile.ZipFile
    monkeypatch.setattr(zipfile, "ZipFile", lambda *a, **k: opened.append(a[0]) or real(*a, **k))
    pixels = namespace["images"](pd.DataFrame({"image": refs + refs}))
    assert pixels.shape == (24, 32, 32) and float(pixels.max()) > 0.0
    assert opened == ["public/train.zip"]  # once for 24 reads


def test_the_verifier_sizes_zip_members_from_one_read_of_each_archive(tmp_path, monkeypatch):
    """The media-leak check sizes every image; a zipped listing is read once per archive, a missing member or a
    broken archive is NaN (the check then sees no size signal), and plain files are sized from the folder."""
    import zipfile

    from sandmle_core.agents.checks import _media_sizes
    from sandmle_core.envfolder import EnvFolder

    folder = EnvFolder(tmp_path)
    folder.public.mkdir(parents=True)
    with zipfile.ZipFile(folder.public / "train.zip", "w") as z:
        for n in range(5):
            z.writestr(f"train/{n}.png", b"x" * (10 + n))
    (folder.public / "broken.zip").write_bytes(b"not a zip")
    (folder.public / "a.png").write_bytes(b"y" * 7)
    opened = []
    real = zipfile.ZipFile
    monkeypatch.setattr(zipfile, "ZipFile", lambda *a, **k: opened.append(a[0]) or real(*a, **k))
    refs = [f"train.zip!train/{n}.png" for n in range(5)] * 2 + ["train.zip!train/9.png", "broken.zip!b/1.png",
                                                                 "a.png", "missing.png"]
    sizes = _media_sizes(folder, refs)
    assert sizes[:10] == [10.0, 11.0, 12.0, 13.0, 14.0] * 2 and sizes[12] == 7.0
    assert all(np.isnan(sizes[i]) for i in (10, 11, 13))
    assert len(opened) == 2  # train.zip once, broken.zip once


def test_the_variety_checks_read_each_archive_once(tmp_path, monkeypatch):
    """`thumbnails`/`signature` over zip members open each archive once, not once per member (and close them)."""
    import zipfile

    from sandmle_core.modalities.image.variety import signature, thumbnails, zip_images

    layout = NameLayout(scheme="prefix", words=("cat", "dog"), container="zip", image_format="png")
    train = [(file_name(layout, w, n), _pixels(5 * n + i)) for i, w in enumerate(layout.words) for n in range(5)]
    write_named(layout, tmp_path, {"train": train, "test": [(f"{i}.png", _pixels(200 + i)) for i in range(1, 6)]})
    members = zip_images(tmp_path)
    opened = []
    real = zipfile.ZipFile
    monkeypatch.setattr(zipfile, "ZipFile", lambda *a, **k: opened.append(a[0]) or real(*a, **k))
    assert thumbnails(members).shape == (15, 256) and signature(members).shape == (24,)
    assert len(opened) == 4  # train.zip and test.zip, once per call
