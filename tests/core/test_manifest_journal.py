"""The manifest's journal: a finished slot's row costs one small file whatever the corpus' size, readers see it at
once, a killed writer loses nothing, and compaction folds the journal into manifest.parquet in order."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
from pathlib import Path

import pytest

from sandmle_core.errors import EnvironmentFormatError
from sandmle_core.layout import Corpus
from sandmle_core.records import (
    ManifestRow,
    ManifestWriter,
    append_manifest,
    compact_manifest,
    journal_manifest,
    read_manifest,
)


def _row(i: int, status: str = "accepted", seed: str = "wine") -> ManifestRow:
    return ManifestRow(slot=f"{seed}:7:{i}", env_id=f"{seed}-{i:05d}", seed_id=seed, index=i, rng_seed=7,
                       attempt_rng_seed=1000 + i, status=status, reason=None if status == "accepted" else "no signal")


def test_rows_are_read_before_compaction_and_the_parquet_is_not_rewritten(tmp_path):
    corpus = Corpus(tmp_path)
    append_manifest(corpus, [_row(i) for i in range(50)])
    before = corpus.manifest_path.read_bytes()
    writer = ManifestWriter(corpus, compact_every=100)
    writer.add(_row(50), _row(3, status="rejected"))  # a new slot and a re-recorded one
    assert corpus.manifest_path.read_bytes() == before  # recording a row did not rewrite the corpus' file
    assert len(list(corpus.manifest_journal_dir.glob("*.json"))) == 2
    rows = {r["slot"]: r for r in read_manifest(corpus).to_pylist()}
    assert len(rows) == 51 and rows["wine:7:3"]["status"] == "rejected" and "wine:7:50" in rows
    writer.close()
    assert not corpus.manifest_journal_dir.exists()  # folded and gone
    assert read_manifest(corpus).to_pylist() == list(rows[k] for k in sorted(rows))
    assert writer.rows == [_row(50), _row(3, status="rejected")]


def test_the_writer_compacts_every_n_rows_and_a_later_row_of_a_slot_wins(tmp_path):
    corpus = Corpus(tmp_path)
    writer = ManifestWriter(corpus, compact_every=4)
    for i in range(6):
        writer.add(_row(i % 3, status="rejected" if i < 3 else "accepted"))
    assert len(list(corpus.manifest_journal_dir.glob("*.json"))) == 2  # 4 folded, 2 waiting
    writer.close()
    assert {r["slot"]: r["status"] for r in read_manifest(corpus).to_pylist()} == {
        "wine:7:0": "accepted", "wine:7:1": "accepted", "wine:7:2": "accepted"}


def _journal_then_die(root: str) -> None:
    writer = ManifestWriter(Corpus(Path(root)), compact_every=1000)
    for i in range(20):
        writer.add(_row(i))
    os.kill(os.getpid(), signal.SIGKILL)  # no close(): a build killed mid-flight


def test_a_killed_writer_keeps_every_row_it_journaled(tmp_path):
    corpus = Corpus(tmp_path)
    append_manifest(corpus, [_row(i, seed="penguins") for i in range(5)])
    proc = multiprocessing.get_context("spawn").Process(target=_journal_then_die, args=(str(tmp_path),))
    proc.start()
    proc.join(120)
    assert proc.exitcode == -signal.SIGKILL
    assert read_manifest(corpus).num_rows == 25
    ManifestWriter(corpus).close()  # the next build's writer folds what the killed one left
    assert read_manifest(corpus).num_rows == 25 and not corpus.manifest_journal_dir.exists()


def test_a_compaction_killed_before_removing_its_entries_folds_them_again_to_the_same_manifest(tmp_path):
    corpus = Corpus(tmp_path)
    journal_manifest(corpus, [_row(1), _row(2, status="failed"), _row(1, status="rejected")])
    saved = tmp_path / "saved"
    shutil.copytree(corpus.manifest_journal_dir, saved)
    first = compact_manifest(corpus)
    shutil.copytree(saved, corpus.manifest_journal_dir)  # as if killed between the write and the removals
    journal_manifest(corpus, [_row(2)])  # written after: it still wins over the stale entries
    assert {r["slot"]: r["status"] for r in first.to_pylist()} == {"wine:7:1": "rejected", "wine:7:2": "failed"}
    again = compact_manifest(corpus)
    assert {r["slot"]: r["status"] for r in again.to_pylist()} == {"wine:7:1": "rejected", "wine:7:2": "accepted"}


def test_a_damaged_journal_entry_is_named(tmp_path):
    corpus = Corpus(tmp_path)
    journal_manifest(corpus, [_row(1)])
    bad = corpus.manifest_journal_dir / "99999999999999999999-1-00000000.json"
    bad.write_text('{"slot": "wine:7:9"}')
    with pytest.raises(EnvironmentFormatError, match=bad.name):
        read_manifest(corpus)
    with pytest.raises(EnvironmentFormatError, match=bad.name):
        compact_manifest(corpus)
    assert len(list(corpus.manifest_journal_dir.glob("*.json"))) == 2  # nothing was removed


def test_reading_a_corpus_that_does_not_exist_creates_nothing(tmp_path):
    corpus = Corpus(tmp_path / "nowhere")
    assert read_manifest(corpus).num_rows == 0
    assert not corpus.root.exists()


def _write_many(root: str, seed: str) -> None:
    writer = ManifestWriter(Corpus(Path(root)), compact_every=16)
    for i in range(120):
        writer.add(_row(i, seed=seed))
    writer.close()


def test_two_processes_writing_at_once_lose_no_row(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write_many, args=(str(tmp_path), seed)) for seed in ("wine", "penguins")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(300)
    assert [p.exitcode for p in procs] == [0, 0]
    corpus = Corpus(tmp_path)
    assert read_manifest(corpus).num_rows == 240
    assert not corpus.manifest_journal_dir.exists()
