"""Realism checks on real drafts: declared ranges and class vocabularies hold for what the offline backend writes,
outlier challenges included, and planted violations (a 417 % share, a label the description does not list, a scale
"1 to 7" over classes 1…5) are caught with the column named."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sandmle_core.agents import get_backend
from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.agents.realism import class_vocabulary_check, declared_range_check, realism_checks
from sandmle_core.envfolder import EnvFolder
from sandmle_core.profile import TaskProfile, profile_seed
from sandmle_core.seeds import get_bundled_seed
from sandmle_core.spec import TaskType

TABULAR = ["breast-cancer", "penguins", "wine", "diamonds", "anes96", "movies"]


def _data(tmp_path: Path, seed: str, slot: int):
    profile = TaskProfile.model_validate(profile_seed(get_bundled_seed(seed)).model_dump())
    spec = OfflineStrategist().draft_spec(seed, profile, slot, 5)
    staging = tmp_path / spec.env_id
    staging.mkdir(parents=True)
    get_backend("offline").developer.build_data(spec, staging)
    return spec, EnvFolder.of(staging)


def test_drafted_tabular_data_keeps_its_declared_ranges_and_classes(tmp_path: Path) -> None:
    with_outliers = 0
    for seed in TABULAR:
        for slot in range(6):
            spec, folder = _data(tmp_path, seed, slot)
            with_outliers += any(f.outlier_share > 0 for f in spec.rule.features)
            failed = [(c.name, c.detail) for c in realism_checks(spec, folder) if not c.passed]
            assert not failed, (spec.env_id, failed)
    assert with_outliers >= 3  # the claim covers the outlier challenge, not only clean columns


def test_outliers_stay_far_from_the_bulk_inside_the_range(tmp_path: Path) -> None:
    for seed in TABULAR:
        for slot in range(12):
            spec, folder = _data(tmp_path, seed, slot)
            rules = [f for f in spec.rule.features if f.outlier_share > 0 and f.kind == "numeric"]
            if rules:
                f = rules[0]
                x = pd.read_csv(folder.train)[f.name].dropna()
                span = f.high - f.low
                bulk, far = x[x <= f.low + 0.4 * span + 1e-9], x[x >= f.low + 0.7 * span - 1e-9]
                assert len(bulk) > 0.8 * len(x) and len(far) >= 1 and len(bulk) + len(far) == len(x)
                return
    pytest.fail("no numeric feature with outliers in 72 drafts")


def test_a_value_outside_its_declared_range_is_caught(tmp_path: Path) -> None:
    spec, folder = _data(tmp_path, "diamonds", 0)
    f = next(f for f in spec.rule.features if f.kind == "numeric")
    train = pd.read_csv(folder.train)
    train.loc[3, f.name] = f.high + 4 * (f.high - f.low)  # what the old outlier model wrote
    train.to_csv(folder.train, index=False)
    check = declared_range_check(spec, folder)
    assert not check.passed and check.figure == 1 and f.name in check.detail and "train.csv" in check.detail


def test_a_regression_target_outside_its_range_is_caught(tmp_path: Path) -> None:
    spec, folder = _data(tmp_path, "diamonds", 0)
    assert spec.task_type == TaskType.REGRESSION
    target = spec.target.columns[0]
    answers = pd.read_csv(folder.answers)
    answers.loc[0, target] = spec.rule.target_high * 3
    answers.to_csv(folder.answers, index=False)
    check = declared_range_check(spec, folder)
    assert not check.passed and target in check.detail and "answers.csv" in check.detail


def test_class_vocabulary_faults_are_caught(tmp_path: Path) -> None:
    spec, folder = _data(tmp_path, "penguins", 0)
    target = spec.target.columns[0]
    assert class_vocabulary_check(spec, folder).passed
    train = pd.read_csv(folder.train, dtype={target: str})
    train.loc[0, target] = "an unlisted class"
    train.to_csv(folder.train, index=False)
    check = class_vocabulary_check(spec, folder)
    assert not check.passed and "'an unlisted class' is not a listed class" in check.detail
    numeric = spec.model_copy(update={"target": spec.target.model_copy(update={
        "classes": ("1", "2", "3"), "description": "fitness level, 1 (beginner) to 7 (elite)"})})
    pd.DataFrame({spec.grading.id_column: [1, 2, 3], target: ["1", "2", "3"]}).to_csv(folder.train, index=False)
    pd.DataFrame({spec.grading.id_column: [4], target: ["2"]}).to_csv(folder.answers, index=False)
    check = class_vocabulary_check(numeric, folder)
    assert not check.passed and "scale names 7, which is no class" in check.detail


def test_an_ordinal_scale_that_fits_the_seed_is_drafted_whole():
    """Issue 16: "1 (poor) to 7 (excellent)" drafted at six levels read "one of 1, 2, 3, 5, 6, 7", a scale without its
    middle; a scale whose length fits the seed's class range (anes96: 7 classes, 5 to 9) keeps every level."""
    from sandmle_core.catalog import load_catalog
    from sandmle_core.modalities.base import class_count_range

    profile = TaskProfile.model_validate(profile_seed(get_bundled_seed("anes96")).model_dump())
    low, high = class_count_range(profile.label_cardinality)
    scales = {t.name: t.classes for d in load_catalog().domains for t in d.ordinal}
    drafted = [OfflineStrategist().draft_spec("anes96", profile, slot, 5) for slot in range(8)]
    for spec in drafted:
        scale = scales[spec.target.columns[0]]
        assert low <= len(scale) <= high and spec.target.classes == scale, (spec.env_id, spec.target.classes)


@pytest.mark.parametrize(("description", "phrase"), [
    ("1 if the loan defaulted", "whether the loan defaulted"),
    ("1 when the image shows schist, 0 when it shows quartzite instead",
     "whether the image shows schist"),
    ("1 when the alert category is 'phishing', 0 when it is 'malware'", "whether the alert category is 'phishing'"),
    ("The rock type in the core", "the rock type in the core"),
    ("coach-assessed fitness level, 1 (beginner) to 7 (elite)", "the coach-assessed fitness level"),
    ("loss expected if the transaction is approved", "the loss expected if the transaction is approved"),
])
def test_a_binary_target_reads_as_whether_in_the_story(description, phrase):
    from sandmle_core.agents.offline.strategist import _target_phrase

    assert _target_phrase(description, TaskType.BINARY) == phrase  # never "the task is to tell 1 when ..."


def test_a_multilabel_target_reads_as_a_set_of_yes_no_labels():
    from sandmle_core.agents.offline.strategist import _target_phrase

    assert _target_phrase("tests ordered during the visit", TaskType.MULTILABEL) == \
        "the set of tests ordered during the visit (each label yes or no)"


def _hosted(kit, domain) -> bool:
    return any(kit.hosts(domain, task, 2) for task in TaskType)


@pytest.mark.parametrize("modality", ["text", "sequence-to-sequence", "image-to-image", "time_series", "audio",
                                      "image", "graph", "ranking"])
def test_every_non_tabular_story_describes_the_inputs_it_ships(modality):
    """Issue 16: "an alert summary described as identity and network logs". For every catalog domain a modality can
    host, its story names what that modality's rows are (the document, the sentence, the scan, the clip, the image,
    the series' own history) and never carries the tabular story's "from <records>" clause or per-entity framing."""
    from sandmle_core.catalog import load_catalog
    from sandmle_core.modalities import get_kit
    from sandmle_core.modalities.ranking.vocab import VOCABS

    kit = get_kit(modality)
    inputs = {"text": lambda d: d.text.document if d.text else d.comments.document,  # a community: its comments
              "sequence-to-sequence": lambda d: d.speech.sentence if d.speech else d.text.document,
              "image-to-image": lambda d: d.pages.subject, "time_series": lambda d: "the series' ",
              "audio": lambda d: "recording" if "recording" in (d.audio.story or "") else "clip",
              "image": lambda d: "image",
              "graph": lambda d: d.graph.node if d.graph else d.links.node,
              "ranking": lambda d: VOCABS[d.key].query}[modality]
    stories = {}
    for domain in load_catalog().domains:
        if not _hosted(kit, domain):
            continue
        story = domain.render_story("TARGET", kit.row_entity(domain), kit.story_template(domain))
        tabular = domain.render_story("TARGET")
        tabular_clause = tabular.split("TARGET", 1)[1].split(", so that")[0]  # " for each <entity> from <records>"
        assert tabular_clause.strip() not in story, (domain.key, story)
        assert inputs(domain) in story, (domain.key, story)
        assert "TARGET" in story and "{" not in story, (domain.key, story)
        stories[domain.key] = story
    assert len(stories) >= 3, f"too few {modality} domains to judge"
    assert len(set(stories.values())) == len(stories), "two domains tell the same story"


def test_every_image_domain_says_who_takes_its_pictures_and_why():
    """Issue 16: an image task read "the task is to tell ... as an inspector looking at it would", in one template
    for every domain, with the domain's tabular purpose nowhere and "capture settings" promised to tasks without
    any. Every image domain of the catalog tells who takes its pictures and what for (its own purpose, not the
    tabular one), both overview structures are in use, and no story promises capture settings."""
    from sandmle_core.catalog import load_catalog
    from sandmle_core.catalog.schema import IMAGE_STORY
    from sandmle_core.modalities.base import framing_variant
    from sandmle_core.modalities.image.story import story

    domains = [d for d in load_catalog().domains if d.image is not None]
    assert len(domains) >= 10
    for domain in domains:
        parts = IMAGE_STORY.match(domain.image.story or "")
        assert parts is not None, domain.key
        told = domain.render_story("TARGET", None, story(domain))
        assert parts["purpose"] in told and domain.purpose not in told, (domain.key, told)
        assert told.count("TARGET") == 1 and "capture settings" not in told and "Each image is" in told, told
    assert {framing_variant(d, 2) for d in domains} == {0, 1}


@pytest.mark.parametrize("family", ["text", "series"])
def test_every_text_and_forecasting_domain_tells_its_own_purpose(family):
    """Issue 16: text and forecasting tasks told the domain's tabular purpose, about another prediction ("tell the
    type of issue reported from a customer's message ..., so that the renewal budget goes to the pipes most likely to
    fail"; a forecast of water demand, the same). Every such domain's story now tells its own vocabulary's purpose,
    and no two domains share one."""
    from sandmle_core.catalog import load_catalog
    from sandmle_core.modalities import text, time_series

    kit = {"text": text.KIT, "series": time_series.KIT}[family]
    domains = [d for d in load_catalog().domains if getattr(d, family) is not None]
    assert len(domains) >= 10
    for domain in domains:
        told = domain.render_story("TARGET", None, kit.story_template(domain))
        purpose = getattr(domain, family).purpose
        assert purpose in told and domain.purpose not in told, (domain.key, told)
    assert len({getattr(d, family).purpose for d in domains}) == len(domains)


@pytest.mark.parametrize(("domain_key", "name", "phrase"), [
    ("motor_claims", "door_crease", "a door crease"), ("hospital_triage", "ulcer", "an ulcer"),
    ("motor_claims", "hail_dents", "hail dents"), ("motor_claims", "no_damage", "no damage"),
    ("haul_trucks", "schist", "schist"), ("crop_yield", "early_blight", "early blight"),
    ("crop_yield", "healthy", "a healthy leaf"), ("wildlife_monitoring", "empty", "an empty frame"),
    ("outpatient_noshow", "actinic_keratosis", "an actinic keratosis"), ("wafer_fab", "random",
                                                                        "randomly scattered failing dies"),
])
def test_a_detection_task_names_its_class_as_english_does(domain_key, name, phrase):
    """Issue 16: a binary image task read "whether the image shows door crease" and "shows healthy"; the class is
    named with its article, bare for kinds and materials, and in the catalog's own words where its name is no noun."""
    from sandmle_core.catalog import load_catalog
    from sandmle_core.modalities.image.story import shown

    vocab = next(d.image for d in load_catalog().domains if d.key == domain_key)
    assert shown(vocab, name) == phrase


def test_a_detection_target_says_what_each_label_shows():
    import numpy as np

    from sandmle_core.catalog import load_catalog
    from sandmle_core.modalities.image.drafter import _binary_target
    from sandmle_core.modalities.image.story import shown

    domain = next(d for d in load_catalog().domains if d.key == "motor_claims")
    (negative, positive), target = _binary_target(domain.title, domain.image, np.random.default_rng(3))[1:3]
    assert target.description == (f"1 when the image shows {shown(domain.image, positive)}, 0 when it shows "
                                   f"{shown(domain.image, negative)} instead")  # the only other class drawn
    assert "_" not in target.description


def test_a_catalog_wording_of_an_unknown_image_class_is_refused():
    from pydantic import ValidationError

    from sandmle_core.catalog import load_catalog

    vocab = next(d.image for d in load_catalog().domains if d.key == "motor_claims")
    with pytest.raises(ValidationError, match="does not have: \\['dnet'\\]"):
        type(vocab).model_validate({**vocab.model_dump(), "shown": {"dnet": "a dent"}})


def test_an_image_task_with_capture_settings_is_not_told_from_the_picture_alone():
    """Issue 16: a wind-farm image task shipping `focus_distance_cm` beside its images read "From the picture alone
    the task is to tell ..."; a row with capture settings says the task uses them too."""
    from sandmle_core.spec import ColumnKind

    profile = TaskProfile.model_validate(profile_seed(get_bundled_seed("digits")).model_dump())
    specs = [OfflineStrategist().draft_spec("digits", profile, slot, 7) for slot in range(12)]
    with_settings = [s for s in specs if any(c.kind == ColumnKind.NUMERIC for c in s.columns)]
    assert with_settings and len(with_settings) < len(specs)
    for spec in with_settings:
        assert "alone" not in spec.story, spec.story
    told = [s for s in with_settings if "capture settings recorded with it" in s.story]
    assert told and any("From the picture alone" in s.story for s in specs if s not in with_settings)


def test_an_audio_story_names_the_clip_before_what_is_told_from_it():
    """Issue 16: "it wants to tell whether the recording holds a compressor stall from each recording" — the clip
    after a target that already names it. Every audio story of the catalog names the clip first; the old shape is
    refused with the story quoted."""
    from pydantic import ValidationError

    from sandmle_core.catalog import load_catalog
    from sandmle_core.catalog.schema import AUDIO_STORY

    vocabs = [d.audio for d in load_catalog().domains if d.audio is not None]
    assert len(vocabs) >= 10 and all(AUDIO_STORY.match(v.story or "") for v in vocabs)
    old = "An airline records engines; it wants to tell {target} from each recording, so that engines are checked."
    with pytest.raises(ValidationError, match="the clip named before the target"):
        type(vocabs[0]).model_validate({**vocabs[0].model_dump(), "story": old})


def test_each_label_column_of_a_multilabel_task_says_which_label_it_is():
    """Issue 16: every label column of a multi-label table read the set's description ("alarms raised in the shift",
    six times); each now says which label it marks."""
    from sandmle_core.agents.offline.writer import render_description

    profile = TaskProfile.model_validate(profile_seed(get_bundled_seed("movies")).model_dump())
    spec = OfflineStrategist().draft_spec("movies", profile, 0, 7)
    sample = pd.DataFrame({c: [0.5] for c in (spec.grading.id_column, *spec.target.columns)})
    rows = [line for line in render_description(spec, sample).splitlines() if "| target (train only) |" in line]
    assert len(rows) == len(spec.target.columns) >= 3
    meanings = [row.split("|")[4].strip() for row in rows]
    assert len(set(meanings)) == len(meanings)
    for column, meaning in zip(spec.target.columns, meanings, strict=True):
        assert meaning.startswith(f"1 if {column.replace('_', ' ')} is among the "), meaning


def _phrase_repeats(detail: str) -> int:
    """The count of documents repeating a phrase three times in a row, from a public-text check's detail."""
    import re

    found = re.search(r"(\d+) of \d+ documents repeat a phrase", detail)
    return int(found.group(1)) if found else 0


def test_public_text_reads_naturally_and_planted_generator_marks_are_caught(tmp_path: Path) -> None:
    from sandmle_core.agents.realism import public_text_check

    spec, folder = _data(tmp_path, "docstrings", 0)
    text_col = next(c.name for c in spec.columns if c.kind.value == "text")
    target = spec.target.columns[0]
    folder.description.write_text(f"# A task\n\nPredict `{target}` from `{text_col}`; see `sample_submission.csv` "
                                  f"and the `{text_col}` column. Code: `read_csv_file` is a name, not prose.\n")
    clean = public_text_check(spec, folder)
    assert clean.passed, clean.detail
    train = pd.read_csv(folder.train, dtype=str)
    original = train[text_col].iloc[0]

    # a word three times in a row in one document fails; a phrase three times in a row is counted in the detail
    train.loc[0, text_col] = "The the the portfolio was closed."
    train.to_csv(folder.train, index=False)
    check = public_text_check(spec, folder)
    assert not check.passed and check.figure == 1 and "the the the" in check.detail.lower()
    train.loc[0, text_col] = "No attempt no attempt no attempt then no attempt to portfolio."
    train.to_csv(folder.train, index=False)
    check = public_text_check(spec, folder)
    assert check.passed and _phrase_repeats(check.detail) == _phrase_repeats(clean.detail) + 1

    # a vocabulary key showing through a document
    train.loc[0, text_col] = "Password reset and my sort_code was changed in the app."
    train.to_csv(folder.train, index=False)
    check = public_text_check(spec, folder)
    assert not check.passed and "sort_code" in check.detail

    # the same key in the description's prose (outside code marks), with the documents clean again
    train.loc[0, text_col] = original
    train.to_csv(folder.train, index=False)
    folder.description.write_text(f"# A task\n\nEach message about a change_address request; predict `{target}`.\n")
    check = public_text_check(spec, folder)
    assert not check.passed and "change_address" in check.detail
    # a word three times in a row in the description
    folder.description.write_text("# A task\n\nThe the the documents are support messages.\n")
    assert not public_text_check(spec, folder).passed


@pytest.mark.parametrize("transform", ["linear", "exp"])
def test_rounding_keeps_a_numeric_feature_inside_a_fractional_declared_low(transform: str) -> None:
    """A column declared 0.5–5000 and written without decimals: a value clipped to 0.5 rounds half-to-even to 0.0,
    below its declared low — the verifier rejected wine:0:2 for it (`amount_usd = 0.0 in test.csv, declared
    0.5–5000`) in a fresh clone's `make corpus` on 2026-12-04. Every written value stays in [low, high]."""
    import numpy as np

    from sandmle_core.modalities.tabular.rule import FeatureRule
    from sandmle_core.modalities.tabular.synthesizer import _observe

    rule = FeatureRule(name="amount_usd", kind="numeric", loadings=(1.0,), noise=0.5, transform=transform, skew=1.5,
                       low=0.5, high=5000.0, decimals=0)
    u = np.random.default_rng(0).normal(0.0, 3.0, 4000)  # far tails on both sides, clipped onto low and high
    values = _observe(rule, u, np.random.default_rng(1))
    assert values.min() >= 0.5 and values.max() <= 5000.0 and (values == values.round()).all()


def test_rounding_keeps_a_multi_target_value_inside_a_fractional_declared_low() -> None:
    """The same rule for a measured target: a multi-target regression target declared 0.5–40 with no decimals, its
    noisy values clipped onto 0.5, is written as 1, never 0.0 (the single-target path rounds the same way)."""
    import numpy as np

    from sandmle_core.modalities.tabular.rule import TabularRule, TargetRule
    from sandmle_core.modalities.tabular.synthesizer import _multitarget

    rule = TabularRule.model_construct(targets=(TargetRule(name="yield_t", low=0.5, high=40.0, decimals=0,
                                                           noise_sd=3.0),), noise_share=0.5)
    signal = np.random.default_rng(0).normal(0.0, 3.0, (4000, 1))
    values, _ = _multitarget(rule, signal, np.random.default_rng(1))
    assert values["yield_t"].min() >= 0.5 and values["yield_t"].max() <= 40.0


def test_a_column_that_may_be_missing_says_so_in_a_sentence_of_its_own() -> None:
    """"calendar quarter (may be missing)", never "calendar quarter May be missing." glued to a phrase."""
    from sandmle_core.agents.offline.writer import render_description

    profile = TaskProfile.model_validate(profile_seed(get_bundled_seed("penguins")).model_dump())
    spec = next(s for s in (OfflineStrategist().draft_spec("penguins", profile, slot, 5) for slot in range(8))
                if any(c.nullable for c in s.columns))
    sample = pd.DataFrame({spec.grading.id_column: ["a"], **{c: ["x"] for c in spec.grading.submission_columns}})
    rows = {line.split("|")[1].strip(" `"): line for line in render_description(spec, sample).splitlines()
            if line.startswith("| `")}
    for column in spec.columns:
        meaning = rows[column.name].rstrip(" |").rsplit("|", 1)[1].strip()
        if column.nullable:
            assert meaning.endswith(("(may be missing)", ". May be missing.")), meaning
        assert "May be missing" not in meaning or meaning.split(" May be missing")[0].endswith(".")
