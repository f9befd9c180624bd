"""`sandmle seeds`, `seeds check`, `seeds export` and the build's seed options: bad input is one `error:` line and
exit 2 (checked before any build work); exported bundled seeds read back through the split layout identically."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from sandmle.cli import _register
from sandmle.cli._app import app
from sandmle_core.errors import SeedError
from sandmle_core.profile import profile_seed
from sandmle_core.seeds import get_bundled_seed, load_seed, resolve_seed, seed_refs, split_ref
from tests.fixtures.mlebench import write_competition

_register()
runner = CliRunner()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sandmle.cli", *args], capture_output=True, text=True)


def test_seeds_lists_modality_task_metric_rows():
    result = runner.invoke(app, ["seeds", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["breast-cancer"]["modality"] == "tabular" and rows["breast-cancer"]["metric"]
    assert rows["digits"]["modality"] == "image" and rows["co2"]["task_type"] == "forecasting"
    assert all(r["rows"] > 0 for r in rows.values())


def test_seeds_check_prints_dna_and_verdict(tmp_path):
    comps_ids = ("spooky-author-identification", "nomad2018-predict-transparent-conductors",
                 "detecting-insults-in-social-commentary")
    for comp in comps_ids:
        paths = write_competition(comp, tmp_path, "split")
    comps = tmp_path / "competitions"
    result = runner.invoke(app, ["seeds", "check", *(str(comps / c) for c in comps_ids), "--data-dir",
                                 str(paths["data"]), "--json"])
    assert result.exit_code == 0, result.output
    spooky, nomad, insults = json.loads(result.stdout)
    assert spooky["generated"] and spooky["dna"]["metric"] == "multiclass_log_loss"
    assert nomad["generated"] and nomad["dna"]["task_type"] == "multi-target regression"
    assert nomad["dna"]["ids_restart"]  # train and test ids both count from 1: the quirk the family keeps
    assert insults["generated"] and insults["dna"]["id_column"] == "Comment"  # the comment is the key (issue 15)
    assert insults["dna"]["passthrough_columns"] == ["Date"] and insults["files"]["sample_submission"] == (
        "sample_submission_null.csv")
    by_root = runner.invoke(app, ["seeds", "check", "mlsp-2013-birds", "--mlebench-root", str(tmp_path),
                                  "--data-dir", str(paths["data"]), "--json"])
    # --mlebench-root looks ids up in <root>/mlebench/competitions/: this fixture root has none
    assert by_root.exit_code != 0


@pytest.mark.parametrize("args, words", [
    (["seeds", "check", "no-such-seed"], "no such seed"),
    (["seeds", "check", "breast-cancer", "--mlebench-root", "/nonexistent"], "--mlebench-root needs --data-dir"),
    (["build", "--seed", "x", "--data-dir", "/nonexistent"], "--data-dir is not a folder"),
    (["build", "--seed-set", "/nonexistent/low.txt"], "cannot read the seed set"),
])
def test_bad_seed_input_is_one_error_line_exit_2(args, words):
    result = _cli(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error:") and words in result.stderr and "Traceback" not in result.stderr


def test_seed_refs_resolve_every_layout(tmp_path):
    split = write_competition("tabular-playground-series-may-2022", tmp_path / "s", "split")
    combined = write_competition("tabular-playground-series-may-2022", tmp_path / "c", "combined")
    repo = tmp_path / "repo" / "mlebench" / "competitions"
    repo.mkdir(parents=True)
    (repo / "tabular-playground-series-may-2022").symlink_to(split["competition"])
    ids = tmp_path / "low.txt"
    ids.write_text("# the lite split\ntabular-playground-series-may-2022\n\n")
    by_set = seed_refs(None, split["data"], tmp_path / "repo", ids)
    assert by_set == [split_ref(repo / "tabular-playground-series-may-2022", split["data"])]
    seeds = [resolve_seed(r) for r in (*by_set, *seed_refs([str(combined["competition"])]))]
    profiles = [profile_seed(s).model_dump(exclude={"details"}) for s in seeds]
    assert profiles[0] == profiles[1]
    with pytest.raises(SeedError, match="no prepared data"):
        seed_refs([str(combined["competition"])], data_dir=tmp_path)


def test_exported_bundled_seeds_read_back_identically(tmp_path):
    result = runner.invoke(app, ["seeds", "export", str(tmp_path / "export"), "--seed", "breast-cancer",
                                 "--seed", "docstrings"])
    assert result.exit_code == 0, result.output
    for seed_id in ("breast-cancer", "docstrings"):
        back = load_seed(tmp_path / "export" / "competitions" / seed_id, data_dir=tmp_path / "export" / "data")
        assert profile_seed(back) == profile_seed(get_bundled_seed(seed_id))
    again = _cli("seeds", "export", str(tmp_path / "export"))
    assert again.returncode == 2 and "not an empty folder" in again.stderr
