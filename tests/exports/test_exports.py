"""The three exports round-trip: SandMLE's layout (its evaluator.py run as the trainer runs it), mle-bench's layout
(read back by a faithful re-implementation of mle-bench's registry and grader, and by our own seed loader), and the
Parquet task table; exports are byte-identical run to run and refuse to overwrite."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from sandmle_core.consume.exports import (
    ANSWERS_EXPOSED_WARNING,
    ExportError,
    export_corpus,
    export_mlebench,
    export_sandmle,
    export_tasks,
)
from sandmle_core.consume.registry import accepted_environments
from sandmle_core.consume.service import GradingService
from sandmle_core.errors import EnvironmentFormatError
from sandmle_core.layout import Corpus, read_environment
from sandmle_core.records import ManifestRow, append_manifest, read_manifest
from sandmle_core.seeds import load_seed


@pytest.fixture(scope="module")
def service(tiny_corpus: Path) -> GradingService:
    return GradingService(tiny_corpus)


@pytest.fixture(scope="module")
def exported(tiny_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("exports")
    export_sandmle(tiny_corpus, out / "sandmle")
    export_mlebench(tiny_corpus, out / "mlebench")
    export_tasks(tiny_corpus, out / "tasks.parquet")
    return {"sandmle": out / "sandmle", "mlebench": out / "mlebench", "tasks": out / "tasks.parquet"}


def _tree_hashes(root: Path) -> dict[str, str]:
    if root.is_file():
        return {root.name: hashlib.sha256(root.read_bytes()).hexdigest()}
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# --- SandMLE layout -------------------------------------------------------------------------------------------------

def test_sandmle_layout_is_what_sandmles_trainer_reads(exported, service: GradingService) -> None:
    root = exported["sandmle"]
    ids = json.loads((root / "ok_competitions_sanity.json").read_text())
    assert ids == service.env_ids
    assert json.loads((root / "ok_competitions_sanity_random_64.json").read_text()) == ids  # fewer than 64 tasks
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == ids
    for env_id in ids:
        env = service.environment(env_id)
        public = root / env_id / "prepared" / "public"
        names = {p.name for p in public.iterdir()}
        assert {"description.md", "train.csv", "test.csv", "sample_submission.csv", "evaluator.py",
                "answer.csv"} <= names
        assert not (root / env_id / "prepared" / "private").exists()
        assert (public / "answer.csv").read_bytes() == env.answers_path.read_bytes()
        assert (public / "description.md").read_text() == env.description_path.read_text()


def test_sandmle_evaluator_prints_the_contract_json_as_a_subprocess(exported, service: GradingService,
                                                                    tmp_path: Path) -> None:
    root = exported["sandmle"]
    bad = tmp_path / "bad.csv"
    bad.write_text("wrong,columns\n1,2\n")
    runs = {}
    for env_id in service.env_ids:  # the runs overlap: each is a cold interpreter start
        gold = tmp_path / f"{env_id}.csv"  # outside the task folder, as the trainer's run directory is
        gold.write_bytes((service.environment(env_id).private_dir / "gold_submission.csv").read_bytes())
        for name, submission in (("gold", gold), ("bad", bad))[: 2 if env_id == service.env_ids[0] else 1]:
            runs[env_id, name] = subprocess.Popen(
                [sys.executable, "evaluator.py", "--submission_path", str(submission)],
                cwd=root / env_id / "prepared" / "public", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for (env_id, name), proc in runs.items():
        stdout, stderr = proc.communicate(timeout=180)
        if name == "bad":
            assert proc.returncode != 0 and "invalid submission" in stderr and stdout == ""
            continue
        assert proc.returncode == 0, stderr
        printed = json.loads(stdout)
        assert set(printed) == {"score", "is_lower_better", "gold_threshold", "silver_threshold",
                                "bronze_threshold", "median_threshold"}
        assert printed == service.evaluator_json(env_id, tmp_path / f"{env_id}.csv")


# --- mle-bench layout -----------------------------------------------------------------------------------------------

def _registry_get_competition(repo_dir: Path, data_dir: Path, competition_id: str) -> dict:
    """mle-bench's `Registry.get_competition` path rules (mlebench/registry.py), with `get_module_dir()` =
    repo_dir/mlebench and `get_repo_dir()` = repo_dir; callables are imported as `import_fn` does."""
    competitions = repo_dir / "mlebench" / "competitions"
    config_path = competitions / competition_id / "config.yaml"
    assert config_path.suffix == ".yaml" and config_path.is_file()  # utils.load_yaml's assertions
    config = yaml.safe_load(config_path.read_text())
    answers = data_dir / config["dataset"]["answers"]
    gold = data_dir / config["dataset"]["gold_submission"] if "gold_submission" in config["dataset"] else answers

    def import_fn(ref: str):
        module_name, fn_name = ref.split(":")
        return getattr(importlib.import_module(module_name), fn_name)

    competition = {
        **config,
        "description": (repo_dir / config["description"]).read_text(),
        "grader": {"name": config["grader"]["name"], "grade_fn": import_fn(config["grader"]["grade_fn"])},
        "prepare_fn": import_fn(config["preparer"]),
        "answers": answers, "gold_submission": gold,
        "sample_submission": data_dir / config["dataset"]["sample_submission"],
        "raw_dir": data_dir / competition_id / "raw",
        "private_dir": data_dir / competition_id / "prepared" / "private",
        "public_dir": data_dir / competition_id / "prepared" / "public",
        "checksums": competitions / competition_id / "checksums.yaml",
        "leaderboard": competitions / competition_id / "leaderboard.csv",
    }
    for key in ("id", "name", "description", "competition_type"):  # Competition.__post_init__
        assert isinstance(competition[key], str) and competition[key]
    assert isinstance(competition["grader"]["name"], str) and competition["grader"]["name"]
    return competition


def _is_dataset_prepared(c: dict) -> bool:
    """mle-bench's `data.is_dataset_prepared(competition)` (not grading-only)."""
    return (c["public_dir"].is_dir() and any(c["public_dir"].iterdir()) and c["private_dir"].is_dir()
            and any(c["private_dir"].iterdir()) and c["answers"].is_file() and c["sample_submission"].is_file())


def _mlebench_grade_csv(submission: Path, c: dict) -> dict:
    """mle-bench's `grade_csv`: read with round-trip floats, Grader.__call__ (any exception → None, round 5),
    then Grader.rank_score on the leaderboard (Kaggle progression rule)."""
    sub = pd.read_csv(submission, float_precision="round_trip")
    answers = pd.read_csv(c["answers"], float_precision="round_trip")
    try:
        score = round(c["grader"]["grade_fn"](sub, answers), 5)
    except Exception:
        score = None
    board = pd.read_csv(c["leaderboard"])
    scores, n = board["score"], len(board)
    lower = bool(scores.iloc[0] < scores.iloc[-1])
    at = lambda k: float(scores.iloc[k - 1])  # noqa: E731
    if n < 100:  # Kaggle's progression rule by the number of teams, as mle-bench's rank_score applies it
        positions = (max(1, int(n * 0.1)), max(1, int(n * 0.2)), max(1, int(n * 0.4)))
    elif n < 250:  # the population leaderboards (6 levels x 20 + the oracle = 121 entries) land here
        positions = (10, max(1, int(n * 0.2)), max(1, int(n * 0.4)))
    else:
        raise AssertionError(f"a synthetic leaderboard of {n} entries: extend this re-implementation")
    gold, silver, bronze = (at(k) for k in positions)
    median = float(scores.median())
    if score is None:
        return {"score": None, "gold_medal": False, "any_medal": False, "gold_threshold": gold,
                "median_threshold": median}
    got_gold = score <= gold if lower else score >= gold
    got_silver = not got_gold and (score <= silver if lower else score >= silver)
    got_bronze = not got_gold and not got_silver and (score <= bronze if lower else score >= bronze)
    return {"score": score, "gold_medal": got_gold, "any_medal": got_gold or got_silver or got_bronze,
            "gold_threshold": gold, "median_threshold": median, "is_lower_better": lower}


@pytest.fixture
def mlebench_importable(exported, monkeypatch):
    """Put the export's repo folder on sys.path, so `mlebench.competitions.<id>.grade` imports as in mle-bench."""
    if importlib.util.find_spec("mlebench") is not None:
        pytest.skip("a real mlebench is installed; its package would shadow the exported competitions")
    monkeypatch.syspath_prepend(str(exported["mlebench"]))
    yield exported["mlebench"]
    for name in [m for m in sys.modules if m == "mlebench" or m.startswith("mlebench.")]:
        del sys.modules[name]


@pytest.mark.filterwarnings("ignore:The 'float_precision' argument is deprecated")
def test_mlebench_registry_reads_and_grades_the_export(mlebench_importable: Path, service: GradingService) -> None:
    repo, data = mlebench_importable, mlebench_importable / "data"
    listed = sorted(p.parent.name for p in (repo / "mlebench" / "competitions").rglob("config.yaml"))
    assert listed == service.env_ids  # Registry.list_competition_ids
    for env_id in listed:
        env = service.environment(env_id)
        comp = _registry_get_competition(repo, data, env_id)
        assert comp["id"] == env_id and comp["description"] == env.description_path.read_text()
        assert _is_dataset_prepared(comp)
        assert comp["answers"].read_bytes() == env.answers_path.read_bytes()
        assert (comp["public_dir"] / "description.md").is_file()
        assert list(inspect.signature(comp["prepare_fn"]).parameters) == ["raw", "public", "private"]
        comp["prepare_fn"](raw=comp["raw_dir"], public=comp["public_dir"], private=comp["private_dir"])
        with pytest.raises(FileNotFoundError):
            comp["prepare_fn"](raw=comp["raw_dir"], public=comp["raw_dir"], private=comp["raw_dir"])
        expected_md5 = {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in comp["private_dir"].glob("*.csv")}
        assert yaml.safe_load(comp["checksums"].read_text())["private"] == expected_md5
        for submission in (comp["gold_submission"], comp["sample_submission"]):
            theirs = _mlebench_grade_csv(submission, comp)
            ours = service.grade_report(env_id, submission)
            assert theirs["score"] == ours.score and theirs["gold_medal"] == ours.medals.gold
            assert theirs["any_medal"] == ours.any_medal and theirs["gold_threshold"] == ours.thresholds.gold
            assert theirs["median_threshold"] == ours.thresholds.median
            assert theirs["is_lower_better"] == ours.thresholds.lower_is_better
        assert _mlebench_grade_csv(comp["gold_submission"], comp)["gold_medal"] is True
        with pytest.raises(Exception, match="missing columns") as info:
            comp["grader"]["grade_fn"](pd.DataFrame({"x": [1]}), pd.read_csv(comp["answers"]))
        assert type(info.value).__name__ == "SubmissionError"


def test_mlebench_export_loads_as_seeds(exported, service: GradingService) -> None:
    repo = exported["mlebench"]
    for env_id in service.env_ids:
        env = read_environment(service.env_dir(env_id))
        seed = load_seed(repo / "mlebench" / "competitions" / env_id, data_dir=repo / "data")
        assert seed.id == env_id and seed.grading == env.grading
        assert seed.answers_path.read_bytes() == env.answers_path.read_bytes()
        assert seed.read_train().equals(pd.read_csv(env.public_dir / "train.csv"))
        assert seed.sample_submission_path.name == "sample_submission.csv"
        assert seed.description == env.description_path.read_text()
        grade_py = repo / "mlebench" / "competitions" / env_id / "grade.py"
        spec = importlib.util.spec_from_file_location(f"exported_{env_id.replace('-', '_')}", grade_py)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # runs standalone too: without mle-bench the base is Exception
        gold = pd.read_csv(env.private_dir / "gold_submission.csv")
        assert module.grade(gold, seed.read_answers()) == service.grade_report(env_id, gold).score
        assert module.InvalidSubmissionError is module.SubmissionError


def test_mlebench_separate_data_dir(tiny_corpus: Path, tmp_path: Path) -> None:
    result = export_corpus(tiny_corpus, "mlebench", tmp_path / "comps", data_dir=tmp_path / "data")
    assert result.data_dir == tmp_path / "data" and not (tmp_path / "comps" / "data").exists()
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == result.env_ids
    with pytest.raises(ExportError, match="already exists"):
        export_corpus(tiny_corpus, "mlebench", tmp_path / "other", data_dir=tmp_path / "data")
    assert not (tmp_path / "other").exists()


# --- task table -----------------------------------------------------------------------------------------------------

def test_tasks_parquet_has_one_row_per_accepted_environment(exported, service: GradingService) -> None:
    rows = pq.read_table(exported["tasks"]).to_pylist()
    assert [r["id"] for r in rows] == service.env_ids
    for row in rows:
        env = service.environment(row["id"])
        t = env.thresholds
        assert row["metric"] == env.grading.metric and row["lower_is_better"] == t.lower_is_better
        assert row["direction"] == ("minimize" if t.lower_is_better else "maximize")
        assert (row["gold_threshold"], row["silver_threshold"], row["bronze_threshold"], row["median_threshold"]) == (
            t.gold, t.silver, t.bronze, t.median)
        assert row["modality"] == "tabular" and 0.0 <= row["difficulty"] <= 1.0
        assert row["seed_id"] == env.config.sandmle.provenance.seed_id and row["rng_seed"] == 5
        assert row["description"] == env.description_path.read_text()
        for key in ("env_dir", "description_path", "public_dir", "sample_submission_path", "evaluator_path",
                    "grade_path", "leaderboard_path", "answers_path"):
            assert Path(row[key]).is_absolute() and Path(row[key]).exists(), key
        assert row["submission_columns"] == list(env.grading.submission_columns)


# --- properties of every export -------------------------------------------------------------------------------------

def test_exports_are_byte_identical_run_to_run(tiny_corpus: Path, exported, tmp_path: Path) -> None:
    for layout, first in exported.items():
        again = tmp_path / first.name
        export_corpus(tiny_corpus, layout, again)
        assert _tree_hashes(again) == _tree_hashes(first), layout


def test_exports_refuse_to_overwrite_unless_forced(tiny_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(ExportError, match="already exists"):
        export_sandmle(tiny_corpus, out)
    assert (out / "keep.txt").read_text() == "mine"
    result = export_sandmle(tiny_corpus, out, force=True)
    assert not (out / "keep.txt").exists() and (out / "ok_competitions_sanity.json").is_file()
    assert result.warnings == [ANSWERS_EXPOSED_WARNING]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging leftovers
    empty = tmp_path / "empty"
    empty.mkdir()
    export_tasks(tiny_corpus, empty / "t.parquet")
    with pytest.raises(ExportError, match="unknown layout"):
        export_corpus(tiny_corpus, "kaggle", tmp_path / "x")
    with pytest.raises(ExportError, match="mlebench layout only"):
        export_corpus(tiny_corpus, "tasks", tmp_path / "x.parquet", data_dir=tmp_path / "d")


def test_only_accepted_environments_are_exported(tiny_corpus: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(tiny_corpus, corpus)
    envs = sorted(p for p in (corpus / "envs").iterdir())
    report = json.loads((envs[0] / "validation.json").read_text())
    (envs[0] / "validation.json").write_text(json.dumps({**report, "accepted": False}))
    assert [e.env_id for e in accepted_environments(corpus)] == [envs[1].name]
    assert export_tasks(corpus, tmp_path / "t.parquet").env_ids == [envs[1].name]
    row = next(r for r in read_manifest(Corpus(corpus)).to_pylist() if r["env_id"] == envs[1].name)
    append_manifest(Corpus(corpus), [ManifestRow.model_validate({**row, "status": "duplicate"})])
    with pytest.raises(ExportError, match="no accepted environment"):
        export_sandmle(corpus, tmp_path / "none")
    with pytest.raises(EnvironmentFormatError, match="not a corpus"):
        accepted_environments(tmp_path / "nowhere")
