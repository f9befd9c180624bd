"""`sandmle export` through typer's runner: the three layouts, the answers warning, and typed refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import sandmle.cli.export  # noqa: F401 - registers `export` and `serve-grader` on the shared app
from sandmle.cli._app import app
from sandmle_core.consume.exports import ANSWERS_EXPOSED_WARNING, ExportError

runner = CliRunner()


def _ids(corpus: Path) -> list[str]:
    return sorted(p.name for p in (corpus / "envs").iterdir())


def test_export_sandmle_warns_that_answers_are_readable(tiny_corpus: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(tiny_corpus), "--layout", "sandmle", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["env_ids"] == _ids(tiny_corpus)
    assert "warning:" in result.stderr and "where an agent can read them" in " ".join(result.stderr.split())
    assert json.loads((tmp_path / "s" / "ok_competitions_sanity.json").read_text()) == _ids(tiny_corpus)
    assert ANSWERS_EXPOSED_WARNING in json.loads(result.stdout)["warnings"]


def test_export_mlebench_and_tasks(tiny_corpus: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(tiny_corpus), "--layout", "mlebench", str(tmp_path / "m"),
                                 "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 0, result.output
    assert result.stderr == "" and json.loads(result.stdout)["data_dir"] == str(tmp_path / "data")
    for env_id in _ids(tiny_corpus):
        assert (tmp_path / "m" / "mlebench" / "competitions" / env_id / "config.yaml").is_file()
        assert (tmp_path / "data" / env_id / "prepared" / "private" / "answers.csv").is_file()
    result = runner.invoke(app, ["export", str(tiny_corpus), "--layout", "tasks", str(tmp_path / "t.parquet")])
    assert result.exit_code == 0, result.output
    assert pq.read_table(tmp_path / "t.parquet").column("id").to_pylist() == _ids(tiny_corpus)


def test_export_refusals(tiny_corpus: Path, tmp_path: Path) -> None:
    bad = runner.invoke(app, ["export", str(tiny_corpus), "--layout", "kaggle", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "--layout" in bad.output
    first = runner.invoke(app, ["export", str(tiny_corpus), "--layout", "tasks", str(tmp_path / "t.parquet")])
    assert first.exit_code == 0
    again = runner.invoke(app, ["export", str(tiny_corpus), "--layout", "tasks", str(tmp_path / "t.parquet")])
    assert isinstance(again.exception, ExportError) and "already exists" in str(again.exception)
    forced = runner.invoke(app, ["export", str(tiny_corpus), "--layout", "tasks", str(tmp_path / "t.parquet"),
                                 "--force"])
    assert forced.exit_code == 0


def test_serve_grader_refuses_a_non_loopback_host(tiny_corpus: Path) -> None:
    result = runner.invoke(app, ["serve-grader", str(tiny_corpus), "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 2 and "loopback" in result.output


@pytest.mark.parametrize("layout", ["sandmle", "mlebench", "tasks"])
def test_export_of_a_folder_that_is_not_a_corpus_is_a_typed_error(tmp_path: Path, layout: str) -> None:
    result = runner.invoke(app, ["export", str(tmp_path), "--layout", layout, str(tmp_path / "out")])
    assert result.exit_code != 0 and "not a corpus" in str(result.exception)
