"""The time-series modality: drafting from a catalog domain, byte-identical synthesis at any size and frequency, and
the forecasting ladder — run as sandboxless subprocesses through the ladder harness — on synthetic environments and
on the real bundled `co2` seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from scipy.stats import kendalltau

import sandmle_core.ladder
from sandmle_core.agents.verifier import MIN_KENDALL_TAU
from sandmle_core.catalog import load_catalog
from sandmle_core.catalog.schema import Domain, FeatureTemplate
from sandmle_core.errors import SpecError
from sandmle_core.grading import constant_submission, grade_submission
from sandmle_core.ladder import LadderConfig, LadderScript
from sandmle_core.ladder.configs import config_from_spec
from sandmle_core.modalities import domains_for
from sandmle_core.modalities.base import DraftContext
from sandmle_core.modalities.time_series.drafter import draft
from sandmle_core.modalities.time_series.ladder import scripts
from sandmle_core.modalities.time_series.rule import SeasonalTerm, SeriesRule
from sandmle_core.modalities.time_series.synthesizer import synthesize
from sandmle_core.slots import stream
from sandmle_core.spec import Challenge, ColumnKind, DomainRef, GradingSpec, Modality, TaskType
from sandmle_core.taskspec import MAX_TRAIN_ROWS, MIN_TRAIN_ROWS, SeedDNA, TaskSpec

DNA = SeedDNA(seed_id="co2", modality=Modality.TIME_SERIES, task_type=TaskType.FORECASTING, metric="mae",
              lower_is_better=True, feature_mix={"datetime": 1})
HARNESS = Path(sandmle_core.ladder.__file__).with_name("harness.py")
FILES = ("public/train.csv", "public/test.csv", "private/answers.csv", "private/oracle_submission.csv")


def _domain(frequency: str | None = None, rich: bool = False) -> Domain:
    """hospital_triage, optionally at another frequency or with categorical and count drivers as well."""
    domain = load_catalog().get("hospital_triage")
    assert domain.series is not None
    update: dict = {}
    if frequency:
        update["frequency"] = frequency
    if rich:
        update["drivers"] = (
            FeatureTemplate(name="ward", kind="categorical", description="receiving ward", levels=("a", "b", "c")),
            FeatureTemplate(name="staff_on_shift", kind="integer", description="staff on shift", low=4, high=40),
            FeatureTemplate(name="temp_max_c", kind="numeric", description="max temperature", unit="degC",
                            low=-5, high=35),
        )
    return domain.model_copy(update={"series": domain.series.model_copy(update=update)}) if update else domain


def _spec(seed: int, difficulty: float, challenges: tuple[Challenge, ...] = (), domain: Domain | None = None,
          n_train: int | None = None, n_test: int | None = None) -> TaskSpec:
    """A TaskSpec drafted the way the offline strategist does it (sizes from the slot's rng, grading from the draft)."""
    domain = domain or _domain()
    rng = stream(seed, "co2", 0, "strategist")
    jitter = int(rng.integers(-25, 26))
    n_train = n_train or int(np.clip(round(190 - 110 * difficulty) + jitter, MIN_TRAIN_ROWS, MAX_TRAIN_ROWS))
    n_test = n_test or int(rng.integers(20, 61))
    made = draft(DraftContext(dna=DNA, profile=None, domain=domain, rng=stream(seed, "co2", 0, "draft"),
                              difficulty=difficulty, challenges=challenges, n_train=n_train, n_test=n_test))
    grading = GradingSpec(metric="mae", id_column=made.id_column, target_columns=made.target.columns,
                          submission_columns=made.target.columns)
    return TaskSpec(
        seed_id="co2", index=0, rng_seed=seed, dna=DNA,
        domain=DomainRef(key=domain.key, title=domain.title, sector=domain.sector, entity=domain.entity),
        title=made.title, story=domain.render_story(target=made.target.columns[0]), modality=Modality.TIME_SERIES,
        task_type=TaskType.FORECASTING, grading=grading, columns=made.columns, target=made.target,
        n_train=n_train, n_test=n_test, difficulty=difficulty, challenges=challenges, rule=made.rule,
    )


def _run_ladder(ladder: list[LadderScript], public: Path, workdir: Path, seeds: tuple[int, ...] = (0,)) -> dict:
    """Run every script with every seed in one harness subprocess (each run forked, cwd = workdir holding a
    `public` symlink, SANDMLE_SEED set); return {(level, seed): submission frame}."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "public").symlink_to(public)
    runs = []
    for script in ladder:
        (workdir / script.filename).write_text(script.source)
        runs += [{"script": script.filename, "seed": s, "out": f"runs/{script.level}-{s}.csv"} for s in seeds]
    (workdir / "job.json").write_text(json.dumps({"preload": ["numpy", "pandas", "sklearn.linear_model",
                                                              "sklearn.ensemble"], "timeout": 60, "runs": runs}))
    subprocess.run([sys.executable, str(HARNESS), "job.json", "results.json"], cwd=workdir, check=True,
                   env={**os.environ, "SANDMLE_SEED": "0"}, timeout=300)
    report = json.loads((workdir / "results.json").read_text())["runs"]
    failed = [(r["script"], r["seed"], r["error"]) for r in report if not r["ok"]]
    assert not failed, failed
    return {(int(r["out"].split("/")[1].split("-")[0]), r["seed"]): pd.read_csv(workdir / r["out"]) for r in report}


def _scores(subs: dict, answers: pd.DataFrame, grading: GradingSpec, seed: int = 0) -> list[float]:
    levels = sorted({level for level, s in subs if s == seed})
    return [grade_submission(subs[(level, seed)], answers, grading) for level in levels]


def _tau(scores: list[float]) -> float:
    return float(kendalltau(range(len(scores)), [-s for s in scores]).statistic)


def test_draft_follows_the_domain_vocabulary_and_is_reproducible() -> None:
    domains = domains_for(load_catalog(), Modality.TIME_SERIES, TaskType.FORECASTING)
    assert domains
    for domain in domains:
        vocab = domain.series
        assert vocab is not None
        for seed in range(6):
            ctx = {"dna": DNA, "profile": None, "domain": domain, "difficulty": 0.5, "n_train": 120, "n_test": 40,
                   "challenges": (Challenge.NONLINEARITY,) if seed % 2 else ()}
            first = draft(DraftContext(rng=stream(seed, "draft"), **ctx))
            again = draft(DraftContext(rng=stream(seed, "draft"), **ctx))
            assert first == again
            assert first.columns[0].name == "date" and first.columns[0].kind == ColumnKind.DATETIME
            drivers = [c.name for c in first.columns[1:]]
            assert len(drivers) <= 3 and set(drivers) <= {t.name for t in vocab.drivers}
            assert first.target.columns == (vocab.quantity,) and first.target.unit == vocab.unit
            rule = first.rule
            assert isinstance(rule, SeriesRule) and rule.frequency == vocab.frequency
            assert [d.column for d in rule.drivers] == drivers
            if seed % 2:  # the non-linearity challenge bends the effect of a numeric driver, when one is drawn
                numeric = [d for d in rule.drivers if d.shape not in ("event", "levels")]
                assert rule.drivers
                assert not numeric or any(d.shape in ("quadratic", "hinge") for d in numeric)
            assert len(rule.model_dump_json()) < 4000


def test_challenges_and_difficulty_shape_the_rule() -> None:
    easy = _spec(3, 0.1).rule
    hard = _spec(3, 0.9, (Challenge.REGIME_CHANGE, Challenge.OUTLIERS)).rule
    assert isinstance(easy, SeriesRule) and isinstance(hard, SeriesRule)
    assert hard.noise_scale > easy.noise_scale
    assert easy.shift_at is None and easy.outlier_rate == 0
    assert hard.shift_at is not None and 0.5 < hard.shift_at < 0.9 and hard.shift_size != 0
    assert hard.outlier_rate > 0 and hard.outlier_scale > 0


def test_bad_inputs_raise_typed_errors(tmp_path: Path) -> None:
    domain = _domain().model_copy(update={"series": None})
    with pytest.raises(SpecError, match="no series vocabulary"):
        draft(DraftContext(dna=DNA, profile=None, domain=domain, rng=stream(0), difficulty=0.5, challenges=(),
                           n_train=100, n_test=30))
    with pytest.raises(ValidationError):
        SeasonalTerm(name="weekly", period_days=7.0, amplitudes=(0.1, 0.05), phases=(1.0,))
    with pytest.raises(SpecError, match="at least 2 history rows"):
        synthesize(_spec(1, 0.5), tmp_path, n_train=1)
    with pytest.raises(SpecError, match="years 1800"):
        synthesize(_spec(1, 0.5, domain=_domain("M")), tmp_path, n_train=120_000)
    config = LadderConfig(modality=Modality.TIME_SERIES, task_type=TaskType.REGRESSION, metric="mae",
                          metric_kind="value", id_column="id", target_columns=("y",), submission_columns=("y",))
    with pytest.raises(ValueError, match="forecasting"):
        scripts(config)


def test_synthesis_is_byte_identical_and_well_formed(tmp_path: Path) -> None:
    spec = _spec(7, 0.6, (Challenge.OUTLIERS, Challenge.REGIME_CHANGE), domain=_domain(rich=True))
    first = synthesize(spec, tmp_path / "a")
    second = synthesize(spec, tmp_path / "b")
    for rel in FILES:
        assert (tmp_path / "a" / "prepared" / rel).read_bytes() == (tmp_path / "b" / "prepared" / rel).read_bytes()
    assert first.stats == second.stats
    target = spec.target.columns[0]
    train = pd.read_csv(first.folder.public / "train.csv")
    test = pd.read_csv(first.folder.public / "test.csv")
    answers = pd.read_csv(first.folder.answers)
    oracle = pd.read_csv(first.folder.oracle_submission)
    features = [c.name for c in spec.columns]
    assert list(train.columns) == ["id", *features, target]
    assert list(test.columns) == ["id", *features]
    assert (len(train), len(test)) == (spec.n_train, spec.n_test)
    assert list(answers["id"]) == list(test["id"]) == list(oracle["id"])
    assert not set(train["id"]) & set(test["id"])
    dates = np.array(pd.concat([train["date"], test["date"]]).astype(str), dtype="datetime64[D]")
    assert len(set(np.diff(dates).astype(int))) == 1  # daily, no gaps, history then horizon
    assert (train[target] >= 0).all() and (answers[target] >= 0).all()
    assert train[target].nunique() > 10 and np.isfinite(oracle[target]).all()
    if "ward" in train:
        assert set(train["ward"].astype(str)) | set(test["ward"].astype(str)) <= {"a", "b", "c"}
    # the oracle is the noise-free value: close to the answers, far better than the training mean
    sample = constant_submission(answers[["id"]], spec.grading, train[[target]])
    assert grade_submission(oracle, answers, spec.grading) < 0.5 * grade_submission(sample, answers, spec.grading)


def test_oracle_is_the_noise_free_value(tmp_path: Path) -> None:
    """On a long horizon the oracle's error is the noise's: E|AR(1) noise| = sd * sqrt(2 / pi), rounding aside."""
    spec = _spec(9, 0.5, domain=_domain(rich=True))
    result = synthesize(spec, tmp_path, n_test=20_000)
    rule = spec.rule
    assert isinstance(rule, SeriesRule) and rule.outlier_rate == 0
    answers = pd.read_csv(result.folder.answers)
    mae = grade_submission(pd.read_csv(result.folder.oracle_submission), answers, spec.grading)
    expected = rule.level * rule.noise_scale * np.sqrt(2 / np.pi)
    assert 0.9 * expected < mae < 1.1 * expected


@pytest.mark.parametrize("frequency", ["H", "D", "W", "M"])
def test_any_frequency_at_full_scale(tmp_path: Path, frequency: str) -> None:
    spec = _spec(4, 0.4, (Challenge.OUTLIERS,), domain=_domain(frequency, rich=True))
    result = synthesize(spec, tmp_path, n_train=50_000, n_test=300)
    train = pd.read_csv(result.folder.public / "train.csv")
    test = pd.read_csv(result.folder.public / "test.csv")
    assert (len(train), len(test)) == (50_000, 300) == (result.n_train, result.n_test)
    stamps = np.array(pd.concat([train["date"], test["date"]]).astype(str), dtype="datetime64[s]")
    assert (np.diff(stamps) > np.timedelta64(0, "s")).all()
    assert stamps[0] >= np.datetime64("1800-01-01") and str(stamps[-1]) <= "9999"
    if frequency == "M":
        assert train["date"].str.endswith("-01").all()
    assert (pd.read_csv(result.folder.answers)[spec.target.columns[0]] >= 0).all()


@pytest.mark.parametrize(("seed", "difficulty", "challenges"), [
    (11, 0.15, ()),
    (12, 0.5, (Challenge.OUTLIERS, Challenge.NONLINEARITY)),
    (13, 0.85, (Challenge.REGIME_CHANGE,)),
])
def test_ladder_on_synthetic_environments(tmp_path: Path, seed: int, difficulty: float,
                                          challenges: tuple[Challenge, ...]) -> None:
    spec = _spec(seed, difficulty, challenges)
    result = synthesize(spec, tmp_path / "env")
    ladder = scripts(config_from_spec(spec))
    assert [s.level for s in ladder] == list(range(6))
    subs = _run_ladder(ladder, result.folder.public, tmp_path / "run", seeds=(0, 1))
    answers = pd.read_csv(result.folder.answers)
    scores = _scores(subs, answers, spec.grading)
    oracle = grade_submission(pd.read_csv(result.folder.oracle_submission), answers, spec.grading)
    print(f"synthetic d={difficulty}: levels {scores}, oracle {oracle}")
    assert scores[-1] < 0.7 * scores[0]
    assert _tau(scores) >= MIN_KENDALL_TAU
    # the oracle knows the rule; on a horizon of 20-60 noisy rows a fitted model may still tie it by chance
    assert oracle < scores[3] and oracle <= scores[-1] * 1.1
    # seed 1 drops a random tenth of the history: the training mean moves, the submission stays complete
    assert not subs[(0, 0)].equals(subs[(0, 1)])
    assert len(subs[(5, 1)]) == len(answers) and subs[(5, 1)][spec.target.columns[0]].notna().all()


def test_ladder_on_the_real_co2_seed(tmp_path: Path) -> None:
    from sandmle_core.seeds.bundled import get_bundled_seed

    seed = get_bundled_seed("co2")
    config = LadderConfig(modality=Modality.TIME_SERIES, task_type=TaskType.FORECASTING, metric="mae",
                          metric_kind="value", id_column="id", target_columns=("co2_ppm",),
                          submission_columns=("co2_ppm",), feature_columns=("date",), date_column="date")
    subs = _run_ladder(scripts(config), seed.public_dir, tmp_path, seeds=(0, 1))
    answers = pd.read_csv(seed.answers_path)
    scores = _scores(subs, answers, seed.grading)
    print(f"co2: levels {scores}")
    assert scores[-1] < 0.05 * scores[0]
    assert scores[-1] < 0.5 * min(scores[1:4])  # the trend models beat the naive baselines clearly
    assert _tau(scores) >= 0.8
    gapped = _scores(subs, answers, seed.grading, seed=1)  # a tenth of the weeks dropped: gaps in the history
    assert gapped[-1] < 0.05 * gapped[0]
