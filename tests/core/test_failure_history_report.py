"""Failure records keep every attempt's history across builds and regenerations; the corpus report covers the run
AND the whole corpus (a resumed build no longer reports 0 accepted)."""

from __future__ import annotations

import json

from sandmle_core.layout import Corpus
from sandmle_core.records import FailureRecord, ManifestRow, ManifestWriter, read_failures, write_failure
from sandmle_core.report import corpus_totals, write_report


def _failure(env_id: str, attempts: list[int]) -> FailureRecord:
    history = [{"attempt": a, "env_id": env_id, "stage": "ladder", "error_type": "Rejected", "message": f"try {a}"}
               for a in attempts]
    return FailureRecord(env_id=env_id, seed_id="wine", seed_ref="wine", index=1, rng_seed=7, backend="offline",
                         stage="ladder", error_type="Rejected", message="no", attempts=attempts[-1], history=history)


def test_a_regenerated_failure_keeps_the_attempts_of_the_earlier_build(tmp_path):
    corpus = Corpus(tmp_path)
    write_failure(corpus, _failure("wine-a", [1, 2, 3]))
    write_failure(corpus, _failure("wine-b", [4, 5]))  # regenerate: new env id, the old record is replaced
    [record] = read_failures(corpus)
    assert record.env_id == "wine-b"
    assert [h["attempt"] for h in record.history] == [1, 2, 3, 4, 5]
    assert {h["env_id"] for h in record.history} == {"wine-a", "wine-b"}


def _row(slot_index: int, status: str) -> ManifestRow:
    return ManifestRow(slot=f"wine:7:{slot_index}", env_id=f"wine-{slot_index}", seed_id="wine", index=slot_index,
                       rng_seed=7, attempt_rng_seed=7, status=status, modality="tabular", metric="accuracy",
                       reference_score=0.8, kendall_tau=0.9)


def test_the_report_of_a_resumed_run_counts_the_whole_corpus(tmp_path):
    corpus = Corpus(tmp_path)
    writer = ManifestWriter(corpus)
    writer.add(_row(0, "accepted"), _row(1, "accepted"), _row(2, "failed"))
    writer.close()
    # this run built nothing new (resume): its own slots are empty, the corpus still holds 2 accepted
    path = write_report(corpus, [], "# sandmle corpus build\n", {"flow": "build-corpus", "build_id": "b2"})
    data = json.loads(path.read_text())
    assert data["this_run"]["slots"] == 0
    assert data["corpus"]["accepted"] == 2 and data["corpus"]["status"] == {"accepted": 2, "failed": 1}
    assert data["corpus"]["modality"] == {"tabular": 2} and data["corpus"]["yield"] == round(2 / 3, 4)
    assert (tmp_path / "report.md").read_text().startswith("# sandmle corpus build")
    assert (tmp_path / "report.json").stat().st_mode & 0o040  # group-readable, and so is the manifest
    assert corpus.manifest_path.stat().st_mode & 0o777 == 0o644
    assert corpus_totals(corpus)["reference_score_median"] == 0.8


def test_diff_lists_what_a_night_added_dropped_and_changed(tmp_path):
    from sandmle_core.report import diff_corpora

    night1, night2 = Corpus(tmp_path / "n1"), Corpus(tmp_path / "n2")
    w = ManifestWriter(night1)
    w.add(_row(0, "accepted"), _row(1, "failed"), _row(5, "accepted"))
    w.close()
    w = ManifestWriter(night2)
    w.add(_row(0, "accepted"), _row(1, "accepted"), _row(2, "accepted"), _row(3, "accepted"))
    w.close()
    result = diff_corpora(night1, night2)
    assert [r["slot"] for r in result["added"]] == ["wine:7:2", "wine:7:3"]
    assert [r["slot"] for r in result["dropped"]] == ["wine:7:5"]
    assert result["changed"] == [{"slot": "wine:7:1", "old_env_id": "wine-1", "new_env_id": "wine-1",
                                  "old_status": "failed", "new_status": "accepted"}]
    from typer.testing import CliRunner

    from sandmle.cli import _register
    from sandmle.cli._app import app

    _register()
    out = CliRunner().invoke(app, ["diff", str(night1.root), str(night2.root)])
    assert out.exit_code == 0 and "2 added, 1 dropped, 1 changed" in out.output and "+ wine:7:2" in out.output
    missing = CliRunner().invoke(app, ["diff", str(tmp_path / "nope"), str(night2.root)])
    assert missing.exit_code != 0
