"""The shared media-class helpers: labels carried in training file names (dogs vs cats, whale clips), read back only
for class names, and refused when a label or id would make the name ambiguous."""

from __future__ import annotations

import pytest

from sandmle_core.errors import SpecError
from sandmle_core.modalities.classes import label_file_name, label_from_file_name


def test_label_file_names_round_trip():
    name = label_file_name("dog", "img00012", ".png")
    assert name == "dog.img00012.png"
    assert label_from_file_name(f"train/{name}", ("cat", "dog")) == "dog"
    assert label_from_file_name("test/img00012.png", ("cat", "dog")) is None  # a test name carries no label


@pytest.mark.parametrize("label, file_id", [("c.at", "1"), ("cat", "../1"), ("", "1"), ("cat", "a/b"), ("ca\\t", "1")])
def test_ambiguous_label_file_names_are_refused(label, file_id):
    with pytest.raises(SpecError, match="file name"):
        label_file_name(label, file_id, ".png")
