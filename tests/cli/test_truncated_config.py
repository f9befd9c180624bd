"""A config.yaml cut short (still valid YAML) or not UTF-8: show and grade refuse it with one `error:` line and exit 2,
`list --check` marks it and exits 1, and plain `list` (the manifest) still lists the corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.test_grading_boundary import _cli, _one_error_line

pytestmark = pytest.mark.slow


@pytest.fixture()
def corpus(tiny_corpus: Path, tmp_path: Path) -> Path:
    """A copy of the tiny corpus whose breast-cancer environment's config.yaml lost its last 300 bytes (inside the
    spec block, where the cut still parses)."""
    copy = tmp_path / "corpus"
    shutil.copytree(tiny_corpus, copy)
    env = next(p for p in sorted((copy / "envs").iterdir()) if p.name.startswith("breast-cancer"))
    text = (env / "config.yaml").read_text()
    cut = text[:text.rindex("\n", 0, len(text) - 300) + 1]
    (env / "config.yaml").write_text(cut)
    return copy


def _broken(corpus: Path) -> Path:
    return next(p for p in sorted((corpus / "envs").iterdir()) if p.name.startswith("breast-cancer"))


@pytest.mark.parametrize("command", ["show", "grade"])
def test_show_and_grade_refuse_a_cut_config(corpus: Path, command: str, capsys, monkeypatch) -> None:
    env = _broken(corpus)
    args = [command, env] if command == "show" else [command, env, env / "prepared/public/sample_submission.csv"]
    code, _, err = _cli(args, capsys, monkeypatch)
    line = _one_error_line(err)
    assert code == 2 and "config.yaml" in line and "cut short" in line


def test_show_refuses_a_config_that_is_not_utf8(corpus: Path, capsys, monkeypatch) -> None:
    env = _broken(corpus)
    (env / "config.yaml").write_bytes(b"id: caf\xe9\n")
    code, _, err = _cli(["show", env], capsys, monkeypatch)
    assert code == 2 and "not UTF-8" in _one_error_line(err)


def test_list_check_marks_the_cut_config(corpus: Path, capsys, monkeypatch) -> None:
    code, out, _ = _cli(["list", corpus, "--json"], capsys, monkeypatch)  # the manifest alone: nothing read
    assert code in (0, None) and len(json.loads(out)) == 2
    code, out, _ = _cli(["list", corpus, "--check", "--json"], capsys, monkeypatch)
    rows = json.loads(out)
    assert code == 1
    problems = {r["env_id"].split("-")[0]: r["problem"] for r in rows}
    assert problems["penguins"] is None and "cut short" in problems["breast"]
