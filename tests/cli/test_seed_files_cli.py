"""Seed files an operator may hand sandmle broken (issue 18's seed room) and `sandmle profile`'s seed options.

Every broken seed file is refused by `seeds check`, `profile` and `build` with ONE `error:` line naming the file and
exit 2 (the build before Prefect starts); `profile` reads mle-bench's split layout with `--data-dir` (and
`--mlebench-root`) like `seeds check` and `build` do.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from unittest import mock

import pytest

from sandmle.cli import main
from tests.fixtures.mlebench import write_competition

COMP = "tabular-playground-series-may-2022"


def _cli(*args: str) -> subprocess.CompletedProcess:
    """`sandmle ARGS` through the console script's own entry point (its error handling and exit codes), in
    process: a Python start-up per case would cost the loaded suite minutes."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with mock.patch.object(sys, "argv", ["sandmle", *args]), redirect_stdout(out), redirect_stderr(err):
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def _cut_before_grader(p: dict) -> None:  # a truncated config.yaml that is still valid YAML
    config = p["competition"] / "config.yaml"
    text = config.read_text()
    config.write_text(text[: text.index("grader:")])


def _cut_inside_grader(p: dict) -> None:  # truncated in the middle of a key: not valid YAML any more
    config = p["competition"] / "config.yaml"
    text = config.read_text()
    config.write_text(text[: text.index("grader:") + 3])


def _header_only(p: dict) -> None:
    train = p["public"] / "train.csv"
    train.write_text(train.read_text().splitlines()[0] + "\n")


BROKEN = {  # name: (how to break the fixture, the file the error must name, words of the message)
    "description-not-utf8": (lambda p: (p["competition"] / "description.md").write_bytes(b"# T\n\xff\xfe caf\xe9\n"),
                             "description.md", "not UTF-8"),
    "config-not-utf8": (lambda p: (p["competition"] / "config.yaml").write_bytes(b"id: x\nname: caf\xe9\n"),
                        "config.yaml", "not UTF-8"),
    "config-truncated": (_cut_before_grader, "config.yaml", "names no grader"),
    "config-truncated-mid-key": (_cut_inside_grader, "config.yaml", "not valid YAML"),
    "config-empty": (lambda p: (p["competition"] / "config.yaml").write_text(""), "config.yaml", "must hold a mapping"),
    "config-grader-not-a-mapping": (lambda p: (p["competition"] / "config.yaml").write_text("id: x\ngrader: auc\n"),
                                    "config.yaml", "`grader` must be a mapping"),
    "train-empty": (lambda p: (p["public"] / "train.csv").write_text(""), "train.csv", "unreadable table"),
    "train-header-only": (_header_only, "train.csv", "has a header but no rows"),
    "zip-not-a-zip": (lambda p: (p["public"] / "images.zip").write_bytes(b"not a zip"), "images.zip",
                      "not a readable zip"),
}


@pytest.fixture(scope="module")
def broken_seeds(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("broken-seeds")
    out = {}
    for name, (breaks, _, _) in BROKEN.items():
        paths = write_competition(COMP, root / name, "combined")
        breaks(paths)
        out[name] = paths["competition"]
    return out


def _one_error_line(result: subprocess.CompletedProcess, file: str, words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout[-500:], result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert file in lines[0] and words in lines[0], lines[0]


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_seed_file_is_one_error_line_exit_2(broken_seeds, name):
    _, file, words = BROKEN[name]
    _one_error_line(_cli("seeds", "check", str(broken_seeds[name])), file, words)


@pytest.mark.parametrize("command", ["profile", "build"])
def test_profile_and_build_refuse_a_broken_seed_before_starting(broken_seeds, tmp_path, command):
    for name in ("description-not-utf8", "config-truncated"):
        _, file, words = BROKEN[name]
        args = [str(broken_seeds[name])] if command == "profile" else [
            "--seed", str(broken_seeds[name]), "--out", str(tmp_path / "corpus")]
        _one_error_line(_cli(command, *args), file, words)
    assert not (tmp_path / "corpus" / "envs").exists()  # the build refused before anything started


def test_profile_reads_the_split_and_combined_layouts(tmp_path):
    split = write_competition(COMP, tmp_path / "split", "split")
    combined = write_competition(COMP, tmp_path / "combined", "combined")
    by_dir = _cli("profile", str(split["competition"]), "--data-dir", str(split["data"]))
    assert by_dir.returncode == 0, by_dir.stderr
    repo = tmp_path / "repo" / "mlebench" / "competitions"
    repo.mkdir(parents=True)
    (repo / COMP).symlink_to(split["competition"])
    by_root = _cli("profile", COMP, "--mlebench-root", str(tmp_path / "repo"), "--data-dir", str(split["data"]))
    assert by_root.returncode == 0, by_root.stderr
    plain = _cli("profile", str(combined["competition"]))
    assert plain.returncode == 0, plain.stderr
    profiles = [json.loads(r.stdout) for r in (by_dir, by_root, plain)]
    for p in profiles:
        p.pop("details", None)
    assert profiles[0] == profiles[1] == profiles[2]
    assert profiles[0]["modality"] == "tabular" and profiles[0]["task_type"] == "binary"


@pytest.mark.parametrize("args, words", [
    (["--data-dir", "/nonexistent"], "--data-dir is not a folder"),
    (["--mlebench-root", "/nonexistent"], "--mlebench-root needs --data-dir"),
])
def test_profile_bad_layout_options_are_one_error_line_exit_2(tmp_path, args, words):
    split = write_competition(COMP, tmp_path, "split")
    result = _cli("profile", str(split["competition"]), *args)
    assert result.returncode == 2 and words in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("error:")


def test_profile_of_a_split_competition_without_its_data_dir_names_the_missing_folder(tmp_path):
    split = write_competition(COMP, tmp_path, "split")
    result = _cli("profile", str(split["competition"]))
    assert result.returncode == 2 and "prepared/public" in result.stderr, result.stderr
