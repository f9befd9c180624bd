"""The 22 mle-bench-lite fixtures, in the split and the combined layouts: profiled as the EXPECTED table says, and
either profiled for generation or refused with an explicit `UnsupportedSeed` reason — never another modality."""

from __future__ import annotations

import pytest

from sandmle_core.errors import SeedError, UnsupportedSeed
from sandmle_core.modalities import keeping_kit
from sandmle_core.profile import profile_seed
from sandmle_core.profiling import read_dna
from sandmle_core.seeds import load_seed
from sandmle_core.seeds.task import normalize_seed_id
from tests.fixtures.mlebench import EXPECTED, LITE_IDS, write_competition


def _load(comp_id: str, root, layout: str):
    paths = write_competition(comp_id, root, layout)
    return load_seed(paths["competition"], data_dir=paths["data"] if layout == "split" else None)


@pytest.mark.parametrize("layout", ["split", "combined"])
def test_all_lite_seeds_have_the_expected_dna(tmp_path, layout):
    wrong = {}
    for comp_id in LITE_IDS:
        seed = _load(comp_id, tmp_path / layout, layout)
        dna = read_dna(seed.id, seed.public_dir, seed.private_dir, seed.config)
        want = EXPECTED[comp_id]
        got = (dna.modality, dna.task_type, dna.metric, dna.lower_is_better, dna.id_column, dna.target_columns,
               dna.submission_columns, dna.n_classes, dna.passthrough_columns)
        expected = (want.modality, want.task_type, want.metric, want.lower_is_better, want.id_column,
                    want.target_columns, want.submission_columns, want.n_classes, want.passthrough_columns)
        if got != expected:
            wrong[comp_id] = [(g, e) for g, e in zip(got, expected, strict=True) if g != e]
        # A supported DNA has a registered modality; anything else carries its reason.
        assert dna.supported == (dna.reason is None)
    assert not wrong, wrong


def test_profile_keeps_the_modality_or_refuses_with_the_reason(tmp_path):
    refused, kept = [], []
    for comp_id in LITE_IDS:
        seed = _load(comp_id, tmp_path, "split")
        want = EXPECTED[comp_id]
        try:
            profile = profile_seed(seed)
        except UnsupportedSeed as exc:
            assert ": unsupported " in str(exc), (comp_id, str(exc))
            refused.append(comp_id)
            continue
        # the kit that keeps the DNA's modality (image+tabular binary: the image kit, its metadata recorded)
        assert profile.modality.value == keeping_kit(want.modality, want.task_type).modality.value, comp_id
        assert profile.details.get("dna", {}).get("modality", want.modality) == want.modality, comp_id
        assert profile.grading.target_columns == want.target_columns
        assert profile.metric == want.metric
        kept.append(comp_id)
    # every other multimodal seed is refused (no kit registers them yet); the audio kit reads the whale challenge's
    # labels
    # from its clip names and mlsp-2013-birds' species from its essential_data files (flattened multi-label); both
    # text-normalization seeds are kept
    # by the sequence-to-sequence kit; the image-to-image kit reads denoising's paired train/ and train_cleaned/
    # folders as its training table
    assert not {c for c in kept if EXPECTED[c].modality not in ("image", "text", "tabular", "audio",
                                                                 "sequence-to-sequence", "image-to-image")} - {
        "siim-isic-melanoma-classification", "random-acts-of-pizza", "leaf-classification"}  # image/text + a record
    assert "siim-isic-melanoma-classification" in kept and "leaf-classification" in kept  # image + a table: kept
    assert "random-acts-of-pizza" in kept  # text + metadata records: the text kit keeps both
    assert "the-icml-2013-whale-challenge-right-whale-redux" in kept and "mlsp-2013-birds" in kept
    assert {"dog-breed-identification", "spooky-author-identification", "tabular-playground-series-dec-2021",
            "tabular-playground-series-may-2022", "new-york-city-taxi-fare-prediction",
            "text-normalization-challenge-english-language", "text-normalization-challenge-russian-language",
            "denoising-dirty-documents",
            # binary image seeds with a probability column: the image kit drafts detection tasks
            "aerial-cactus-identification", "histopathologic-cancer-detection",
            # labels in the training photos' names (cat.0.jpg): the image kit reads them
            "dogs-vs-cats-redux-kernels-edition"} <= set(kept), (kept, refused)
    # image target shapes: ordinal grades (quadratic weighted kappa), one 0/1 column per class (column-wise AUC)
    assert {"aptos2019-blindness-detection", "plant-pathology-2020-fgvc7"} <= set(kept), (kept, refused)
    # multi-label findings, 9 of 11 label columns scored (the image kit drafts them)
    assert "ranzcr-clip-catheter-line-classification" in kept, (kept, refused)
    # text multi-label (jigsaw): the text kit drafts flags from a domain's multi-label vocabulary
    assert "jigsaw-toxic-comment-classification-challenge" in kept, (kept, refused)
    # the comment as the key (detecting insults, issue 15): the text kit keeps it, so no lite seed is refused
    assert "detecting-insults-in-social-commentary" in kept and not refused, (kept, refused)


def test_leaks_and_roles_are_recorded(tmp_path):
    pizza = _load("random-acts-of-pizza", tmp_path, "split")
    dna = read_dna(pizza.id, pizza.public_dir, pizza.private_dir, pizza.config)
    assert "post_was_edited" in dna.train_only_columns  # only known after the fact: a label leak
    assert dna.column_roles["requester_subreddits_at_request"] == "list"
    assert dna.column_roles["request_text_edit_aware"] == "text"
    taxi = _load("new-york-city-taxi-fare-prediction", tmp_path, "split")
    roles = read_dna(taxi.id, taxi.public_dir, taxi.private_dir, taxi.config).column_roles
    assert roles["pickup_longitude"] == "geo" and roles["pickup_datetime"] == "datetime"
    dogs = _load("dogs-vs-cats-redux-kernels-edition", tmp_path, "split")
    files = read_dna(dogs.id, dogs.public_dir, dogs.private_dir, dogs.config).files
    assert files["zips"] == {"test.zip": 24, "train.zip": 48} or set(files["zips"]) == {"test.zip", "train.zip"}


@pytest.mark.parametrize("layout", ["combined", "split"])
def test_the_labels_in_names_layout_is_recorded(tmp_path, layout):
    """Dogs vs. cats: how its photos are named and packed is in the profile, for the drafter to keep."""
    profile = profile_seed(_load("dogs-vs-cats-redux-kernels-edition", tmp_path, layout))
    assert profile.details["labels_in_names"] is True
    assert profile.details["name_layout"] == {"scheme": "prefix", "words": ["cat", "dog"], "container": "zip",
                                              "image_format": "jpeg", "numeric_ids": True}


def test_unknown_grader_is_refused_not_guessed(tmp_path):
    paths = write_competition("tabular-playground-series-may-2022", tmp_path, "combined")
    config = paths["competition"] / "config.yaml"
    config.write_text(config.read_text().replace("name: auc-roc", "name: my-own-score"))
    seed = load_seed(paths["competition"])
    dna = read_dna(seed.id, seed.public_dir, seed.private_dir, seed.config)
    assert not dna.supported and dna.reason.startswith("unsupported metric: my-own-score")
    with pytest.raises(UnsupportedSeed, match="unsupported metric"):
        profile_seed(seed)


def test_seed_ids_are_normalised_and_malformed_folders_refused(tmp_path):
    assert normalize_seed_id("My_Comp.V2") == "my-comp-v2"
    with pytest.raises(SeedError):
        normalize_seed_id("___")
    paths = write_competition("spooky-author-identification", tmp_path, "combined")
    (paths["public"] / "sample_submission.csv").unlink()
    seed = load_seed(paths["competition"])
    with pytest.raises(SeedError, match="no sample submission"):
        profile_seed(seed)
    (paths["public"] / "train.csv").write_bytes(b"\x00\x01garbage")
    (paths["public"] / "sample_submission.csv").write_text("id,EAP,HPL,MWS\nid1,0.3,0.3,0.4\n")
    with pytest.raises(SeedError):
        profile_seed(load_seed(paths["competition"]))
