"""The warm grading service in process: right scores and medals, invalid submissions with reasons, typed errors,
LRU bound, one load per environment under concurrency, and the benchmark helper's shape (no timed assertions)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sandmle.bench.grading import bench_grading

from sandmle_core.consume.registry import discover as discover_environments
from sandmle_core.consume.service import GradingService, UnknownEnvironment
from sandmle_core.errors import EnvironmentFormatError, InvalidSubmission, SandmleError
from sandmle_core.layout import read_environment
from sandmle_core.leaderboard import human_rank, medals


@pytest.fixture(scope="module")
def service(tiny_corpus: Path) -> GradingService:
    return GradingService(tiny_corpus)


def _env_grade_fn(env_dir: Path):
    """The environment's own grade.py (the mle-bench contract), imported from its file."""
    spec = importlib.util.spec_from_file_location(f"grade_{env_dir.name.replace('-', '_')}", env_dir / "grade.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.grade


def test_discovers_corpus_env_folder_and_folder_of_envs(tiny_corpus: Path, tmp_path: Path) -> None:
    ids = sorted(p.name for p in (tiny_corpus / "envs").iterdir())
    assert len(ids) == 2
    assert list(discover_environments(tiny_corpus)) == ids
    assert list(discover_environments(tiny_corpus / "envs")) == ids
    assert list(discover_environments([tiny_corpus / "envs" / ids[1]])) == [ids[1]]
    with pytest.raises(EnvironmentFormatError, match="not a directory"):
        discover_environments(tmp_path / "missing")
    with pytest.raises(EnvironmentFormatError, match="holds no environment"):
        discover_environments(tmp_path)
    twin = tmp_path / "other" / ids[0]
    shutil.copytree(tiny_corpus / "envs" / ids[0], twin)
    with pytest.raises(EnvironmentFormatError, match="a second environment"):
        discover_environments([tiny_corpus, twin])


def test_gold_and_sample_get_the_env_graders_scores_and_medals(service: GradingService) -> None:
    for env_id in service.env_ids:
        env = read_environment(service.env_dir(env_id))
        answers = pd.read_csv(env.answers_path)
        grade = _env_grade_fn(env.root)
        board = env.leaderboard_scores()
        gold_path = env.private_dir / "gold_submission.csv"
        gold = service.grade_report(env_id, gold_path)
        assert gold.valid and gold.reason is None
        assert gold.score == grade(pd.read_csv(gold_path), answers)
        assert gold.score == (0.0 if env.thresholds.lower_is_better else 1.0)  # the metric's optimum
        assert gold.medals.gold and gold.reward == pytest.approx(1.0) and gold.sparse_reward == pytest.approx(1.0)
        assert gold.human_rank == 1.0
        sample = service.grade_report(env_id, env.sample_submission_path)
        assert sample.valid and sample.score == grade(pd.read_csv(env.sample_submission_path), answers)
        assert sample.medals == medals(sample.score, env.thresholds) and not sample.any_medal
        assert sample.human_rank == human_rank(sample.score, board, env.thresholds.lower_is_better)
        assert sample.thresholds == env.thresholds


def test_every_submission_kind_grades_the_same(service: GradingService) -> None:
    env_id = service.env_ids[1]
    path = service.environment(env_id).sample_submission_path
    text = path.read_text()
    reports = [service.grade_report(env_id, kind) for kind in (path, text, text.encode(), pd.read_csv(path))]
    assert all(r == reports[0] for r in reports) and reports[0].valid
    data = service.grade(env_id, text)
    assert data["env_id"] == env_id and data["metric"] == "multiclass_log_loss" and data["score"] == reports[0].score
    assert data["above_median"] == reports[0].medals.above_median and data["grade_ms"] > 0
    assert json.loads(json.dumps(data)) == data
    with pytest.raises(TypeError, match="DataFrame, CSV text or a path"):
        service.grade_report(env_id, 42)  # type: ignore[arg-type]


def _frame_cases(gold: pd.DataFrame, id_col: str, col: str) -> dict[str, tuple[pd.DataFrame, str]]:
    extra_row = gold.iloc[[0]].assign(**{id_col: "not-an-id"})
    nan = gold.copy()
    nan.loc[0, col] = np.nan
    text = gold.astype({col: object})
    text.loc[0, col] = "high"
    return {
        "missing ids": (gold.iloc[:-3], "missing"),
        "unknown id": (pd.concat([gold, extra_row]), "not in the test set"),
        "duplicate ids": (pd.concat([gold, gold.iloc[[0]]]), "duplicate"),
        "wrong columns": (gold.rename(columns={col: "prediction"}), "missing columns"),
        "extra column": (gold.assign(extra=0.0), "unexpected columns"),
        "NaN": (nan, "NaN"),
        "non-numeric": (text, "non-numeric"),
    }


TEXT_CASES = {
    "garbage text": ("garbage ,,, ;;\n\x01 !!! ??\n", "missing columns"),
    "empty text": ("", "cannot read"),
    "not UTF-8": (b"\xff\xfe\x00\x81garbage", "not UTF-8"),
    "missing file": (Path("/nonexistent/submission.csv"), "no such file"),
}


def test_malformed_submissions_are_invalid_with_a_reason_never_a_crash(service: GradingService) -> None:
    for env_id in service.env_ids:
        env = service.environment(env_id)
        gold = pd.read_csv(env.private_dir / "gold_submission.csv")
        cases = _frame_cases(gold, env.grading.id_column, env.grading.submission_columns[0])
        cases |= TEXT_CASES
        cases["frame as CSV text"] = (cases["missing ids"][0].to_csv(index=False), "missing")
        for name, (submission, expected) in cases.items():
            report = service.grade_report(env_id, submission)
            assert not report.valid and report.score is None, name
            assert expected in report.reason, (name, report.reason)
            assert not report.any_medal and not report.medals.above_median and report.human_rank == 0.0, name
            assert report.reward == pytest.approx(0.1) and report.sparse_reward == pytest.approx(0.1), name
    assert service.health()["grader_errors"] == 0


def test_unknown_environment_is_a_typed_error(service: GradingService) -> None:
    with pytest.raises(UnknownEnvironment, match="unknown environment 'nope'") as info:
        service.grade("nope", "a,b\n1,2\n")
    assert isinstance(info.value, SandmleError) and info.value.env_id == "nope"
    assert "nope" not in service


def test_format_rate_and_evaluator_contract(service: GradingService, capsys) -> None:
    env_id = service.env_ids[0]
    env = service.environment(env_id)
    gold = env.private_dir / "gold_submission.csv"
    assert service.grade_report(env_id, gold, format_rate=0.0).reward == pytest.approx(0.9)
    warm = service.evaluator_json(env_id, gold)
    spec = importlib.util.spec_from_file_location("env_evaluator", env.root / "evaluator.py")
    evaluator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(evaluator)
    assert evaluator.main(["--submission_path", str(gold)]) == 0  # the environment's own evaluator, in process
    assert json.loads(capsys.readouterr().out) == warm
    with pytest.raises(InvalidSubmission, match="missing columns"):
        service.evaluator_json(env_id, "x,y\n1,2\n")
    info = service.info(env_id)
    assert info["metric"] == "auc" and info["n_test"] == len(pd.read_csv(env.answers_path))
    assert "answers" not in json.dumps(info)


def test_lru_bound_evicts_the_least_recently_used(tiny_corpus: Path) -> None:
    small = GradingService(tiny_corpus, max_loaded=1)
    a, b = small.env_ids
    small.grade(a, "x\n")
    small.grade(b, "x\n")
    assert small.health() | {"uptime_seconds": 0} == {
        "status": "ok", "environments": 2, "loaded": 1, "max_loaded": 1, "grades": 2, "invalid": 2,
        "grader_errors": 0, "loads": 2, "evictions": 1, "uptime_seconds": 0}
    small.grade(b, "x\n")
    assert small.health()["loads"] == 2  # b stayed warm
    small.grade(a, "x\n")
    assert small.health()["loads"] == 3 and small.health()["evictions"] == 2
    with pytest.raises(ValueError, match="max_loaded"):
        GradingService(tiny_corpus, max_loaded=0)


def test_concurrent_grades_load_each_environment_once(tiny_corpus: Path) -> None:
    fresh = GradingService(tiny_corpus)
    env_id = fresh.env_ids[1]
    text = fresh.env_dir(env_id).joinpath("prepared/public/sample_submission.csv").read_text()
    results: list[float | None] = []
    barrier = threading.Barrier(8)

    def work() -> None:
        barrier.wait()
        for _ in range(5):
            results.append(fresh.grade(env_id, text)["score"])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 40 and len(set(results)) == 1 and results[0] is not None
    assert fresh.health()["loads"] == 1 and fresh.health()["grades"] == 40


def test_a_grader_exception_makes_the_submission_invalid_and_is_counted(service: GradingService, monkeypatch,
                                                                        caplog) -> None:
    import sandmle_core.consume.tasks as module  # the loaded task grades through this name

    def broken(*args, **kwargs):
        raise RuntimeError("metric exploded")

    monkeypatch.setattr(module, "grade_submission", broken)
    env_id = service.env_ids[0]
    before = service.health()["grader_errors"]
    data = service.grade(env_id, service.environment(env_id).sample_submission_path)
    assert data["valid"] is False and data["grader_error"] is True
    assert "RuntimeError: metric exploded" in data["reason"]
    assert service.health()["grader_errors"] == before + 1
    assert "unexpected error while grading" in caplog.text


def test_a_broken_environment_is_a_format_error(tiny_corpus: Path, tmp_path: Path) -> None:
    env_id = sorted(p.name for p in (tiny_corpus / "envs").iterdir())[0]
    renamed = tmp_path / "envs" / "renamed-env-0000abcd"
    shutil.copytree(tiny_corpus / "envs" / env_id, renamed)
    broken = GradingService(renamed)
    with pytest.raises(EnvironmentFormatError, match="declares id"):
        broken.grade("renamed-env-0000abcd", "x\n")
    missing = tmp_path / "envs2" / env_id
    shutil.copytree(tiny_corpus / "envs" / env_id, missing)
    (missing / "prepared" / "private" / "answers.csv").unlink()
    with pytest.raises(EnvironmentFormatError, match=r"answers\.csv"):
        GradingService(missing).grade(env_id, "x\n")


def test_bench_grading_reports_warm_and_cold_latencies(tiny_corpus: Path) -> None:
    result = bench_grading(tiny_corpus, repeats=6, cold_repeats=1, max_envs=1, concurrent_clients=8)
    assert result["environments"] == 1 and result["submissions"] == 2 and result["scores_agree"] is True
    for block in ("warm_in_process_ms", "warm_http_ms"):
        assert result[block]["n"] == 6 and 0 < result[block]["p50"] <= result[block]["p99"]
    assert result["cold_evaluator_ms"]["n"] == 1 and result["speedup_p50"] > 0
    assert set(result["goals"]) == {"warm_p50_at_most_10_ms", "cold_p50_at_most_1500_ms"}
    assert result["concurrency"]["ok"] == 24 and result["concurrency"]["connection_errors"] == {}
    assert result["verification"]["verify_cached_ms"]["n"] == 10
