"""Hash verification before grading, attacked: every grading file rewritten, swapped for a link or reached through a
linked folder; config.yaml's data_hash edited; a rewrite that restores the old mtime still caught by the cache."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from sandmle_core import integrity
from sandmle_core.errors import TamperedEnvironment
from sandmle_core.integrity import GRADING_FILES, load_grading_inputs, verify_grading_files
from sandmle_core.layout import read_environment
from tests.core.test_layout import write_env


@pytest.fixture()
def env(tmp_path: Path):
    return read_environment(write_env(tmp_path / "e"))


def test_an_untouched_environment_loads_from_the_hashed_bytes(env) -> None:
    inputs = load_grading_inputs(env)
    assert list(inputs.answers.columns) == ["id", "y"] and inputs.leaderboard == (0.9, 0.7, 0.5)
    assert inputs.answers_bytes == env.answers_path.stat().st_size


def _rewrite(path: Path) -> None:
    text = path.read_text()
    path.write_text(text.replace("1", "0") if "1" in text else text + "#\n")


@pytest.mark.parametrize("rel", GRADING_FILES)
def test_a_rewritten_grading_file_is_refused_naming_it(env, rel: str) -> None:
    _rewrite(env.root / rel)
    with pytest.raises(TamperedEnvironment, match="changed since the environment was built") as info:
        load_grading_inputs(env)
    assert info.value.path == env.root / rel


def test_a_link_to_a_faithful_copy_is_refused(env, tmp_path: Path) -> None:
    copy = tmp_path / "copy.csv"
    shutil.copy(env.answers_path, copy)
    env.answers_path.unlink()
    env.answers_path.symlink_to(copy)
    with pytest.raises(TamperedEnvironment, match="symbolic link"):
        verify_grading_files(env)


def test_a_linked_private_folder_is_refused(env, tmp_path: Path) -> None:
    fake = tmp_path / "fake-private"
    shutil.copytree(env.private_dir, fake)
    _rewrite(fake / "answers.csv")
    shutil.rmtree(env.private_dir)
    env.private_dir.symlink_to(fake)
    with pytest.raises(TamperedEnvironment, match="private on its path is a symbolic link"):
        load_grading_inputs(env)


def test_edited_config_hashes_are_caught(env) -> None:
    config = env.root / "config.yaml"
    data = yaml.safe_load(config.read_text())
    del data["sandmle"]["hashes"]["grade.py"]
    config.write_text(yaml.safe_dump(data))
    with pytest.raises(TamperedEnvironment, match="has no hash"):
        verify_grading_files(read_environment(env.root))
    data = yaml.safe_load(config.read_text())
    data["sandmle"]["hashes"]["prepared/private/answers.csv"] = "0" * 64  # answers "re-hashed" by an attacker
    config.write_text(yaml.safe_dump(data))
    with pytest.raises(TamperedEnvironment, match="data_hash does not match") as info:
        verify_grading_files(read_environment(env.root))
    assert info.value.path.name == "config.yaml"


def test_a_cached_match_is_never_stale(env, monkeypatch) -> None:
    verify_grading_files(env)

    def no_read(*args, **kwargs):
        raise AssertionError("an unchanged, verified file was read again")

    monkeypatch.setattr(integrity, "read_regular_file", no_read)
    verify_grading_files(env)  # stat calls only
    monkeypatch.undo()
    answers = env.answers_path
    before = answers.stat()
    answers.write_text(answers.read_text().replace("0", "1"))  # same size
    os.utime(answers, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime put back; ctime cannot be
    assert answers.stat().st_size == before.st_size and answers.stat().st_mtime_ns == before.st_mtime_ns
    with pytest.raises(TamperedEnvironment, match=r"answers\.csv"):
        verify_grading_files(env)


def test_hard_links_to_environment_files_are_fine_when_the_bytes_match(env, tmp_path: Path) -> None:
    os.link(env.answers_path, tmp_path / "backup.csv")  # e.g. a `cp -al` backup of the corpus
    assert load_grading_inputs(env).answers_bytes > 0
