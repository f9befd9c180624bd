"""Audio environments: drafting within the seed's DNA, byte-reproducible WAV synthesis, classes that differ in what
an agent can measure, no label in file names, sizes or lengths, and a ladder that climbs."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kruskal

from sandmle_core.catalog import load_catalog
from sandmle_core.errors import SpecError
from sandmle_core.grading import grade_submission
from sandmle_core.metrics import get_metric
from sandmle_core.modalities import detect_modality, domains_for
from sandmle_core.modalities.audio import has_audio_files
from sandmle_core.modalities.audio.drafter import draft
from sandmle_core.modalities.audio.rule import AudioRule
from sandmle_core.modalities.audio.synthesizer import synthesize
from sandmle_core.modalities.base import DraftContext, class_count_range
from sandmle_core.slots import stream
from sandmle_core.spec import Challenge, ColumnKind, DomainRef, GradingSpec, Modality, TaskType
from sandmle_core.taskspec import SeedDNA, TaskSpec

DOMAIN = load_catalog().get("wildlife_monitoring")
DNA = {
    TaskType.BINARY: SeedDNA(seed_id="whale-calls", modality=Modality.AUDIO, task_type=TaskType.BINARY, metric="auc",
                             lower_is_better=False, label_cardinality=2, min_class_share=0.3, missing_rate=0.0,
                             feature_mix={"audio": 1}),
    TaskType.MULTICLASS: SeedDNA(seed_id="bird-calls", modality=Modality.AUDIO, task_type=TaskType.MULTICLASS,
                                 metric="accuracy", lower_is_better=False, label_cardinality=6, min_class_share=0.1,
                                 missing_rate=0.0, feature_mix={"audio": 1}),
}


def make_spec(rng_seed: int, difficulty: float, challenges: tuple[Challenge, ...] = (), task: str = "multiclass",
              metric: str | None = None, n_train: int | None = None, n_test: int = 200) -> TaskSpec:
    """Draft a spec the way the offline strategist assembles one (profile=None: drafters must not use it)."""
    base = DNA[TaskType(task)]
    metric = metric or base.metric
    dna = base.model_copy(update={"metric": metric, "lower_is_better": get_metric(metric).lower_is_better})
    n_train = n_train or int(np.clip(round(190 - 110 * difficulty), 50, 200))
    ctx = DraftContext(dna=dna, profile=None, domain=DOMAIN, rng=stream(rng_seed, dna.seed_id, 0, "draft"),  # type: ignore[arg-type]
                       difficulty=difficulty, challenges=challenges, n_train=n_train, n_test=n_test)
    d = draft(ctx)
    classes = d.target.classes
    grading = GradingSpec(
        metric=metric, id_column=d.id_column, target_columns=d.target.columns,
        submission_columns=tuple(classes) if get_metric(metric).kind == "class_probabilities" else d.target.columns,
        classes=classes)
    return TaskSpec(
        seed_id=dna.seed_id, index=0, rng_seed=rng_seed, dna=dna,
        domain=DomainRef(key=DOMAIN.key, title=DOMAIN.title, sector=DOMAIN.sector, entity=DOMAIN.entity),
        title=d.title, story=DOMAIN.render_story(target=", ".join(d.target.columns)), modality=Modality.AUDIO,
        task_type=dna.task_type, grading=grading, columns=d.columns, target=d.target, n_train=n_train,
        n_test=n_test, difficulty=difficulty, challenges=challenges, rule=d.rule)


def read_wav(path: Path) -> tuple[np.ndarray, int, int, int]:
    """Samples as floats, sample rate, channels and sample width — what an agent's own reader sees."""
    with wave.open(str(path), "rb") as clip:
        meta = clip.getframerate(), clip.getnchannels(), clip.getsampwidth()
        raw = clip.readframes(clip.getnframes())
    return np.frombuffer(raw, dtype="<i2") / 32768.0, *meta


def centroid(x: np.ndarray, rate: int, frame: int = 256) -> float:
    """Spectral centroid of the clip's peak-over-floor spectrum (per frequency, the loudest frame's power over the
    median frame's): coloured background noise cancels out, the events stand out. Hz."""
    frames = x[: len(x) // frame * frame].reshape(-1, frame) * np.hanning(frame)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2 + 1e-12
    contrast = np.maximum(np.log(power.max(0) / np.median(power, axis=0)) - 1.5, 0.0) ** 2
    return float((np.fft.rfftfreq(frame, 1 / rate) * contrast).sum() / (contrast.sum() + 1e-12))


# --- draft ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("task, rng_seed, difficulty", [("multiclass", 1, 0.1), ("multiclass", 2, 0.9),
                                                       ("binary", 3, 0.3), ("binary", 4, 0.8)])
def test_draft_keeps_the_dna_and_round_trips(task, rng_seed, difficulty):
    spec = make_spec(rng_seed, difficulty, (Challenge.LABEL_NOISE,), task=task)
    rule, vocab = spec.rule, DOMAIN.audio
    assert isinstance(rule, AudioRule) and len(rule.events) == len(spec.target.classes) and rule.label_noise > 0
    assert spec.columns[0].name == "clip" and spec.columns[0].kind == ColumnKind.AUDIO and len(spec.columns) == 1
    if task == "binary":
        assert spec.target.classes == ("0", "1") and spec.target.columns == (vocab.detect,)
        assert rule.events[0].kind == "none" and rule.events[1].kind != "none"
    else:
        low, high = class_count_range(6)
        assert low <= len(spec.target.classes) <= high and set(spec.target.classes) <= set(vocab.classes)
        assert all(e.kind != "none" for e in rule.events)
    assert TaskSpec.model_validate_json(spec.model_dump_json()) == spec
    assert make_spec(rng_seed, difficulty, (Challenge.LABEL_NOISE,), task=task).spec_hash() == spec.spec_hash()


def test_difficulty_is_a_calibrated_noise_knob():
    easy, hard = make_spec(5, 0.1).rule, make_spec(5, 0.9).rule
    assert hard.snr_db[1] < easy.snr_db[1] and hard.distractor_rate > easy.distractor_rate
    assert hard.clip_rate > easy.clip_rate and hard.pitch_sd > easy.pitch_sd
    assert make_spec(5, 0.5, task="binary").rule.snr_db[1] < make_spec(5, 0.5).rule.snr_db[1]  # detection is easier


def test_draft_rejects_what_it_cannot_host():
    no_audio = next(d for d in load_catalog().domains if d.audio is None)
    ctx = DraftContext(dna=DNA[TaskType.MULTICLASS], profile=None, domain=no_audio, rng=stream(0, "x"),  # type: ignore[arg-type]
                       difficulty=0.5, challenges=(), n_train=100, n_test=100)
    with pytest.raises(SpecError, match="no audio vocabulary"):
        draft(ctx)
    ordinal = DNA[TaskType.MULTICLASS].model_copy(update={"task_type": TaskType.ORDINAL})
    with pytest.raises(SpecError, match="binary, multi-class or multi-label"):
        draft(DraftContext(dna=ordinal, profile=None, domain=DOMAIN, rng=stream(0, "x"), difficulty=0.5,  # type: ignore[arg-type]
                           challenges=(), n_train=100, n_test=100))


# --- synthesis -----------------------------------------------------------------------------------------------------

def test_synthesis_is_byte_reproducible_and_well_formed(tmp_path):
    spec = make_spec(11, 0.6, (Challenge.LABEL_NOISE, Challenge.NUISANCE_VARIATION))
    first, second = synthesize(spec, tmp_path / "a"), synthesize(spec, tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert len(files) == spec.n_train + spec.n_test + 4
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    assert first.stats == second.stats
    g, target = spec.grading, spec.target.columns[0]
    train, test = pd.read_csv(first.folder.train), pd.read_csv(first.folder.test)
    assert list(train.columns) == [g.id_column, "clip", target] and list(test.columns) == [g.id_column, "clip"]
    assert set(train[g.id_column]).isdisjoint(test[g.id_column])
    assert set(train[target].astype(str)) == set(spec.target.classes)
    x, rate, channels, width = read_wav(first.folder.public / train["clip"].iloc[0])
    assert (rate, channels, width, len(x)) == (4000, 1, 2, 4000)
    # any scale: a smaller run of the same spec starts from scratch
    small = synthesize(spec, tmp_path / "a", n_train=60, n_test=30)
    assert len(list((small.folder.public / "clips").iterdir())) == 90


def means_of(frame: pd.DataFrame) -> str:
    return frame.groupby("label")[["rms", "centroid"]].mean().round(3).to_string()


def test_classes_differ_in_what_an_agent_measures(tmp_path):
    """Per-class RMS and spectral centroid, computed from the WAVs as an agent would: the classes differ."""
    spec = make_spec(12, 0.2, n_train=200)
    result = synthesize(spec, tmp_path)
    train = pd.read_csv(result.folder.train, dtype={spec.target.columns[0]: str})
    stats = []
    for rel in train["clip"]:
        x, rate, _, _ = read_wav(result.folder.public / rel)
        stats.append((np.sqrt(np.mean(x**2)), centroid(x, rate)))
    frame = pd.DataFrame(stats, columns=["rms", "centroid"]).assign(label=train[spec.target.columns[0]])
    groups = [g["centroid"].to_numpy() for _, g in frame.groupby("label")]
    assert kruskal(*groups).pvalue < 1e-6, means_of(frame)
    means = frame.groupby("label")["centroid"].mean()
    assert means.max() - means.min() > 150.0, means  # Hz
    assert frame["rms"].gt(0).all()


def test_no_label_in_file_names_sizes_or_lengths(tmp_path):
    from sandmle_core.agents.checks import LEAK_ACCURACY, _single_feature_skill

    spec = make_spec(13, 0.4, task="binary", n_train=200)
    result = synthesize(spec, tmp_path)
    target = spec.target.columns[0]
    train = pd.read_csv(result.folder.train)
    paths = [result.folder.public / rel for rel in train["clip"]]
    assert len({p.stat().st_size for p in paths}) == 1  # every clip the same size ...
    assert len({read_wav(p)[0].size for p in paths}) == 1  # ... and the same length
    assert all(p.stem == i for p, i in zip(paths, train[spec.grading.id_column], strict=True))  # name = the id
    order = train[spec.grading.id_column].str.slice(4).astype(int)  # ids are shuffled: their order says nothing
    assert _single_feature_skill(order, train[target], classification=True) < LEAK_ACCURACY
    assert abs(np.corrcoef(order, train[target])[0, 1]) < 0.2


def test_oracle_is_the_true_class_before_label_noise(tmp_path):
    for task, metric in (("multiclass", "accuracy"), ("binary", "auc"), ("multiclass", "multiclass_log_loss")):
        clean = make_spec(14, 0.5, task=task, metric=metric)
        result = synthesize(clean, tmp_path / f"{task}-{metric}", n_train=100, n_test=300)
        score = grade_submission(pd.read_csv(result.folder.oracle_submission), pd.read_csv(result.folder.answers),
                                 clean.grading)
        assert score == pytest.approx(get_metric(metric).optimum, abs=0.01), (task, metric, score)
    noisy = make_spec(14, 0.5, (Challenge.LABEL_NOISE,))
    result = synthesize(noisy, tmp_path / "noisy", n_train=100, n_test=800)
    score = grade_submission(pd.read_csv(result.folder.oracle_submission), pd.read_csv(result.folder.answers),
                             noisy.grading)
    assert abs((1.0 - score) - noisy.rule.label_noise) < 0.03


# --- profile detection ---------------------------------------------------------------------------------------------

def test_mlebench_audio_fixtures_are_detected_as_audio(tmp_path):
    from tests.fixtures.mlebench import write_competition

    for comp in ("mlsp-2013-birds", "the-icml-2013-whale-challenge-right-whale-redux"):
        paths = write_competition(comp, tmp_path / comp)
        assert has_audio_files(paths["public"]), comp
    for comp in ("tabular-playground-series-may-2022", "leaf-classification"):  # tables, images: not audio
        assert not has_audio_files(write_competition(comp, tmp_path / comp)["public"]), comp
    assert detect_modality(["audio"]) == Modality.AUDIO and detect_modality(["numeric"]) == Modality.TABULAR


def test_bundled_whale_seed_profiles_as_audio():
    from sandmle_core.profile import profile_seed
    from sandmle_core.seeds.bundled import get_bundled_seed

    profile = profile_seed(get_bundled_seed("whale-calls"))
    assert (profile.modality, profile.task_type, profile.metric) == (Modality.AUDIO, TaskType.BINARY, "auc")
    assert profile.details["audio_column"] == "clip"
    assert domains_for(load_catalog(), Modality.AUDIO, TaskType.BINARY, 2)  # at least one domain hosts it
    assert len(domains_for(load_catalog(), Modality.AUDIO, TaskType.BINARY, 2)) >= 10  # K=10 needs 10 domains
