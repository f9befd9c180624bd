"""Image + feature-table many-class environments (leaf-classification's shape): one `images/` folder of binary
silhouettes `<id>.jpg` for train and test ids together, 192 descriptors (`margin1..64`, `shape1..64`, `texture1..64`)
beside them, one probability column per species scored by multi-class log loss. One slot is built end to end from the
lite fixture (K=1): accepted with the ladder's order kept, the seed's layout, both inputs needed (the image-only and
the table-only levels fall short of gold), the GX contracts met, planted faults rejected (a label in test.csv, a
grader that ignores ids), both exports read back, and a byte-identical rebuild."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sandmle.data_contracts import check_environment

from sandmle_core.envfolder import EnvFolder
from sandmle_core.layout import Corpus, hash_files, read_environment
from sandmle_core.modalities.image.leaf import feature_names
from sandmle_core.modalities.image.leaf_render import render_batch
from sandmle_core.pipeline import analyze_seed, plan_slots, read_profile, run_slot
from sandmle_core.profiling.verdict import support_verdict
from sandmle_core.seeds import seed_refs
from sandmle_core.spec import TaskType
from sandmle_core.taskspec import TaskSpec
from tests.fixtures.mlebench import write_competition
from tests.fixtures.rebuild import clean_copy, rebuild_slot
from tests.fixtures.shape_checks import assert_exports_hold, assert_grader_ignoring_ids_is_rejected

LEAF = "leaf-classification"
RNG = 5


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("leaf")
    paths = write_competition(LEAF, root / "mlebench", "split")
    ref = seed_refs([str(root / "mlebench" / "competitions" / LEAF)], data_dir=paths["data"])[0]
    out = root / "corpus"
    seed_id, profile = analyze_seed(ref, out)
    result = run_slot(plan_slots(seed_id, read_profile(profile), 1, RNG, out)[0])
    return ref, out, result


def _spec(out, result) -> TaskSpec:
    return TaskSpec.model_validate(read_environment(Corpus(out).env_dir(result.env_id)).config.sandmle.spec)


def test_image_plus_table_seeds_are_kept_binary_and_multiclass():
    assert support_verdict("image+tabular", "binary") == (True, None)
    assert support_verdict("image+tabular", "multiclass") == (True, None)  # leaf classification
    kept, why = support_verdict("image+tabular", "regression")
    assert not kept and why.startswith("unsupported modality: image+tabular")


@pytest.mark.slow
def test_the_leaf_slot_is_accepted_in_the_seeds_layout(built):
    _, out, result = built
    assert result.status == "accepted", result
    assert (result.modality, result.task_type, result.metric) == ("image", "multiclass", "multiclass_log_loss")
    assert result.kendall_tau >= 0.8, result
    spec = _spec(out, result)
    rule = spec.rule.silhouettes
    classes = spec.target.classes
    assert 10 <= len(classes) <= 15 and spec.grading.submission_columns == classes  # the fixture's 15 species
    pairs = set(zip(rule.class_silhouette, rule.class_texture, strict=True))
    assert len(pairs) == len(classes) and len(set(rule.class_silhouette)) < len(classes)  # outlines are shared
    env_dir = Corpus(out).env_dir(result.env_id)
    public = env_dir / "prepared" / "public"
    train, test = pd.read_csv(public / "train.csv"), pd.read_csv(public / "test.csv")
    target = spec.target.columns[0]
    assert list(train.columns) == ["id", target, *feature_names()] and list(test.columns) == ["id", *feature_names()]
    assert np.allclose(train[feature_names()[:64]].sum(1), 1.0, atol=1e-3)  # each block is a histogram
    assert {p.name for p in (public / "images").glob("*.jpg")} == {f"{i}.jpg" for i in [*train["id"], *test["id"]]}
    with Image.open(public / "images" / f"{test['id'].iloc[0]}.jpg") as im:
        pixels = np.asarray(im)
        assert im.mode == "L" and im.format == "JPEG"
    assert np.mean((pixels < 40) | (pixels > 215)) > 0.97  # a binary silhouette, up to JPEG's edge ringing
    assert list(pd.read_csv(public / "sample_submission.csv").columns) == ["id", *classes]
    description = (env_dir / "description.md").read_text()
    assert "images/" in description and "texture1" in description
    checks = {c["name"]: c for c in json.loads((env_dir / "validation.json").read_text())["checks"]}
    assert checks["ladder_order_kept"]["passed"] and checks["no_single_feature_oracle"]["passed"]


@pytest.mark.slow
def test_neither_input_alone_reaches_gold(built):
    _, out, result = built
    env_dir = Corpus(out).env_dir(result.env_id)
    runs = json.loads((env_dir / "validation.json").read_text())["ladder"]
    means = {lv: float(np.mean([r["score"] for r in runs if r["level"] == lv])) for lv in range(6)}
    gold = read_environment(env_dir).config.sandmle.thresholds.gold
    # level 1 reads the table only, level 2 the image only: both fall well short of gold (log loss: higher)
    assert means[1] > 1.5 * gold and means[2] > 1.5 * gold, (means, gold)
    assert means[5] < min(means[1], means[2]) / 2, means  # together they name the class


@pytest.mark.slow
def test_a_label_leaked_into_public_test_is_rejected(built, tmp_path):
    _, out, result = built
    copy = clean_copy(out, result.env_id, tmp_path)
    folder = EnvFolder(copy)
    test = pd.read_csv(folder.test)
    target = _spec(out, result).target.columns[0]
    test.insert(1, target, pd.read_csv(folder.answers)[target].to_numpy())  # the planted fault: the seed's order
    test.to_csv(folder.test, index=False)
    failed = {(r["artifact"], r["expectation"].lower().replace("_", "")) for r in check_environment(copy)
              if not r["success"]}
    assert any(a.endswith("test.csv") and e == "expecttablecolumnstomatchorderedlist" for a, e in failed), failed


@pytest.mark.slow
def test_a_grader_ignoring_ids_is_rejected_and_both_exports_hold(built, tmp_path):
    _, out, result = built
    env_dir = Corpus(out).env_dir(result.env_id)
    assert_grader_ignoring_ids_is_rejected(env_dir, tmp_path / "graders")
    assert_exports_hold(out, [env_dir], tmp_path / "exports")  # the images/ folder goes along, read back as a seed


@pytest.mark.slow
def test_the_slot_rebuilds_byte_identical(built, tmp_path):
    ref, out, result = built
    again = rebuild_slot(ref, 1, RNG, 0, result.env_id, tmp_path / "again")
    assert hash_files(Corpus(out).env_dir(result.env_id), exclude=()) == hash_files(again, exclude=())


def test_the_renderer_is_deterministic_and_pairs_share_outlines(built):
    _, out, result = built
    rule = _spec(out, result).rule.silhouettes
    classes = np.arange(len(rule.class_silhouette))
    first = render_batch(rule, classes, np.random.default_rng(1))
    again = render_batch(rule, classes, np.random.default_rng(1))
    assert all((a == b).all() for a, b in zip(first[0], again[0], strict=True)) and (first[1] == again[1]).all()
    assert first[1].shape == (len(classes), 192)


def test_every_silhouette_domain_tells_its_own_story_of_both_inputs():
    from sandmle_core.catalog import load_catalog
    from sandmle_core.modalities import domains_for, get_kit
    from sandmle_core.modalities.image.leaf import story

    domains = [d for d in load_catalog().domains if d.silhouettes is not None]
    assert len(domains) >= 4 and all(len(d.silhouettes.classes) >= 15 for d in domains)  # the fixture's 15 species
    stories = {d.key: d.render_story("TARGET", d.entity, story(d)) for d in domains}
    for key, text in stories.items():
        assert "silhouette" in text and "descriptors" in text and "TARGET" in text and "{" not in text, key
    assert len(set(stories.values())) == len(stories)

    kit, catalog = get_kit("image"), load_catalog()
    hosting = domains_for(catalog, "image", TaskType.MULTICLASS, 15)
    leafy = SimpleNamespace(details={"dna": {"modality": "image+tabular", "task_type": "multiclass"}},
                            label_cardinality=15, task_type=TaskType.MULTICLASS)
    assert sorted(d.key for d in hosting if kit.suits(d, leafy)) == sorted(stories)  # silhouette domains only
    other = SimpleNamespace(details={}, label_cardinality=12, task_type=TaskType.MULTICLASS)  # dog breeds' fixture
    chosen = [d for d in hosting if kit.suits(d, other)]
    assert chosen and all(d.image is not None and len(d.image.classes) >= 8 for d in chosen)
