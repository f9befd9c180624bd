"""Audio files as the whale challenge ships them: AIFF clips written with `struct` and read back (by our reader, the
standard library's deprecated `aifc` and the ladder scripts), training clips whose names end in their label, test
clips whose names do not, and the leak check that still rejects a test name giving its answer away."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from sandmle_core.agents.checks import leakage_checks
from sandmle_core.envfolder import EnvFolder
from sandmle_core.grading import grade_submission
from sandmle_core.ladder import ladder_for
from sandmle_core.ladder.configs import config_from_spec
from sandmle_core.modalities.audio.aiff import aiff_bytes, read_aiff
from sandmle_core.modalities.audio.synthesizer import synthesize
from sandmle_core.modalities.classes import labels_from_names, name_with_label
from tests.core.modalities.test_audio import make_spec

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import aifc  # an independent reader (deprecated, still in 3.11): our bytes must be a real AIFF


def _aifc_read(blob: bytes) -> tuple[int, int, int, np.ndarray]:
    with aifc.open(io.BytesIO(blob)) as clip:
        return (clip.getframerate(), clip.getnchannels(), clip.getsampwidth(),
                np.frombuffer(clip.readframes(clip.getnframes()), dtype=">i2"))


def test_aiff_round_trips_through_our_reader_and_aifc():
    samples = (np.sin(np.arange(4001) / 3.0) * 30000).astype(np.int16)  # odd length: a pad byte ends SSND
    blob = aiff_bytes(samples, 4000)
    assert blob == aiff_bytes(samples, 4000) and len(blob) % 2 == 0
    rate, channels, width, back = _aifc_read(blob)
    assert (rate, channels, width) == (4000, 1, 2) and np.array_equal(back, samples)
    x, ours = read_aiff(blob)
    assert ours == 4000 and np.array_equal(np.round(x * 32768).astype(np.int16), samples)
    with pytest.raises(ValueError, match="int16"):
        aiff_bytes(samples.astype(float), 4000)


def test_reader_takes_other_aiffs_and_refuses_broken_ones(tmp_path):
    for name in ("stereo.aiff", "stereo.aif"):  # aifc writes AIFF for .aiff, uncompressed AIFF-C otherwise
        with aifc.open(str(tmp_path / name), "wb") as out:  # 24-bit stereo at 22,050/s, by the standard library
            out.setnchannels(2)
            out.setsampwidth(3)
            out.setframerate(22050)
            left, right = 0x400000, -0x200000  # +0.5 and -0.25 of full scale
            out.writeframes((left.to_bytes(3, "big", signed=True) + right.to_bytes(3, "big", signed=True)) * 10)
        x, rate = read_aiff((tmp_path / name).read_bytes())
        assert rate == 22050 and len(x) == 10 and np.allclose(x, 0.125), name  # channels averaged
    good = aiff_bytes(np.zeros(100, dtype=np.int16), 8000)
    compressed = good[:8] + b"AIFC" + good[12:38] + b"ulaw" + good[38:]  # a COMM naming a codec
    for broken, why in ((b"RIFF" + good[4:], "header"), (compressed, "compressed|chunk"), (good[:40], "chunk"),
                        (good[:12] + b"COMM" + struct.pack(">I", 0), "chunk")):
        with pytest.raises(ValueError, match=why):
            read_aiff(broken)


def test_labels_in_names_are_read_only_where_names_carry_them():
    whale = ["train2.zip!train2/20090328_000000_002s3ms_TRAIN0_0.aif", "train2/x_TRAIN1_1.aif", "x_TRAIN2_1.aif"]
    named = labels_from_names(whale)
    assert named is not None and named["label"].tolist() == ["0", "1", "1"]
    assert named["name"].iloc[0] == "20090328_000000_002s3ms_TRAIN0_0.aif"
    assert labels_from_names([f"clip_{i:04d}.wav" for i in range(40)]) is None  # ids, not labels
    assert labels_from_names(["a_1.wav", "b.wav"]) is None  # one name without a label: none is trusted
    assert labels_from_names(["a_1.wav", "b_1.wav"]) is None  # one class is not a label
    assert name_with_label("clip00042", "dog bark/2") == "clip00042_dog-bark-2"


@pytest.fixture(scope="module")
def named_env(tmp_path_factory):
    """A binary AIFF environment whose training clips carry their label in the name, as the whale challenge's."""
    spec = make_spec(21, 0.3, task="binary", n_train=80, n_test=60)
    spec = spec.model_copy(update={"rule": spec.rule.model_copy(update={"file_format": "aiff",
                                                                         "label_in_name": True})})
    root = tmp_path_factory.mktemp("named")
    return spec, synthesize(spec, root / "a"), synthesize(spec, root / "b")


def test_named_aiff_environment_is_byte_identical_and_named_as_the_seed(named_env):
    spec, first, second = named_env
    files = sorted(p.relative_to(first.folder.root) for p in first.folder.root.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second.folder.root) for p in second.folder.root.rglob("*") if p.is_file())
    for rel in files:
        assert (first.folder.root / rel).read_bytes() == (second.folder.root / rel).read_bytes(), rel
    g, target = spec.grading, spec.target.columns[0]
    train, test = pd.read_csv(first.folder.train, dtype=str), pd.read_csv(first.folder.test, dtype=str)
    for clip_id, rel, label in zip(train[g.id_column], train["clip"], train[target], strict=True):
        assert rel == f"clips/{clip_id}_{label}.aif"  # the published label, as in the seed's names
    assert all(rel == f"clips/{i}.aif" for i, rel in zip(test[g.id_column], test["clip"], strict=True))
    for rel in (train["clip"].iloc[0], test["clip"].iloc[0]):
        rate, channels, width, samples = _aifc_read((first.folder.public / rel).read_bytes())
        assert (rate, channels, width, len(samples)) == (4000, 1, 2, 4000)
    assert first.stats["file_format"] == "aiff" and first.stats["label_in_name"] is True


def test_ladder_reads_the_aiff_clips(named_env, tmp_path):
    spec, first, _ = named_env
    script = ladder_for(config_from_spec(spec))[2]  # band levels + logistic regression
    path = tmp_path / "level2.py"
    path.write_text(script.source)
    subprocess.run([sys.executable, str(path)], cwd=first.folder.root / "prepared", check=True, timeout=600,
                   env={**os.environ, "SANDMLE_SEED": "0"}, capture_output=True)
    submission = pd.read_csv(first.folder.root / "prepared" / "submission.csv")
    score = grade_submission(submission, pd.read_csv(first.folder.answers), spec.grading)
    assert score > 0.6, score  # the clips were read: a reader of noise would score about 0.5


def _media_check(spec, folder: EnvFolder):
    return next(c for c in leakage_checks(spec, folder) if c.name == "media_files_hide_label")


def test_leak_check_allows_labelled_training_names_but_not_a_leaky_test_name(named_env, tmp_path):
    import shutil

    spec, first, _ = named_env
    staging = tmp_path / "env"
    shutil.copytree(first.folder.root, staging)
    folder = EnvFolder(staging)
    (folder.root / "description.md").write_text("# An audio task\n")  # the other leak checks read it
    assert _media_check(spec, folder).passed  # the rule declares the labelled training names
    undeclared = spec.model_copy(update={"rule": spec.rule.model_copy(update={"label_in_name": False})})
    assert not _media_check(undeclared, folder).passed  # the same names, undeclared: a leak
    # planted fault: the test clips named with their answers
    test, answers = pd.read_csv(folder.test), pd.read_csv(folder.answers)
    target = spec.target.columns[0]
    label = dict(zip(answers[spec.grading.id_column], answers[target], strict=True))
    renamed = []
    for clip_id, rel in zip(test[spec.grading.id_column], test["clip"], strict=True):
        new = rel.replace(".aif", f"_{label[clip_id]}.aif")
        (folder.public / rel).rename(folder.public / new)
        renamed.append(new)
    test["clip"] = renamed
    test.to_csv(folder.test, index=False)
    check = _media_check(spec, folder)
    assert not check.passed and "test clip file name" in check.detail, check


def test_whale_fixture_profiles_from_its_file_names_and_birds_is_refused_with_its_reason(tmp_path):
    from sandmle_core.errors import UnsupportedSeed
    from sandmle_core.profile import profile_seed
    from sandmle_core.seeds import resolve_seed, seed_refs
    from tests.fixtures.mlebench import write_competition

    seeds = {}
    for comp in ("the-icml-2013-whale-challenge-right-whale-redux", "mlsp-2013-birds"):
        paths = write_competition(comp, tmp_path, "split")
        seeds[comp] = resolve_seed(seed_refs([str(tmp_path / "competitions" / comp)], data_dir=paths["data"])[0])
    whale = profile_seed(seeds["the-icml-2013-whale-challenge-right-whale-redux"])
    assert (whale.modality, whale.task_type, whale.metric) == ("audio", "binary", "auc")
    assert whale.n_train == 50 and set(whale.class_balance) == {"0", "1"}  # 50 training clips, labels from names
    assert whale.details["file_format"] == "aiff" and whale.details["labels_in_names"] is True
    birds = profile_seed(seeds["mlsp-2013-birds"])  # labels in essential_data's text files, flattened rows
    assert (birds.modality, birds.task_type, birds.label_cardinality) == ("audio", "multilabel", 19)
    (seeds["mlsp-2013-birds"].public_dir / "essential_data" / "rec_labels_test_hidden.txt").unlink()
    with pytest.raises(UnsupportedSeed, match="multilabel"):  # without its label file there is nothing to learn
        profile_seed(seeds["mlsp-2013-birds"])


def test_audio_stories_talk_about_recordings_not_records():
    from sandmle_core.catalog import load_catalog
    from sandmle_core.catalog.schema import AudioVocab
    from sandmle_core.modalities import get_kit

    kit, target = get_kit("audio"), "whether the recording holds a wheeze"
    domains = [d for d in load_catalog().domains if d.audio is not None]
    assert len(domains) >= 10
    for domain in domains:
        story = domain.render_story(target, kit.row_entity(domain), kit.story_template(domain))
        assert target in story and story != domain.render_story(target, kit.row_entity(domain)), domain.key
        assert any(w in story.lower() for w in ("record", "clip", "microphone", "hydrophone")), story
        for tabular in ("scada", "logs", "data", "report", "telemetry"):  # the tabular stories' inputs
            assert tabular not in story.lower(), (domain.key, story)
    bare = domains[0].model_copy(update={"audio": domains[0].audio.model_copy(update={"story": None})})
    assert domains[0].audio.subject in kit.story_template(bare)  # no story of its own: framed by its clips
    with pytest.raises(ValueError, match="target"):
        AudioVocab(**{**domains[0].audio.model_dump(), "story": "A plant records machines."})
