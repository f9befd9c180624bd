"""The corpus' records: one failure file per environment that did not make it, and the Parquet manifest.

A *slot* is one requested environment — (seed, build rng seed, index). It keeps its identity across regeneration
attempts, while each attempt drafts a new spec (and so a new env_id). `failed/<env_id>.json` holds the last failure of
a slot (stage, error type, message, attempts): the input of "regenerate failed". `manifest.parquet` holds one row per
slot, the latest attempt winning, accepted or not; a build journals each finished slot's row as one small file under
`manifest.journal/` and folds the journal into the Parquet file every few hundred rows and at its end, so recording a
row does not cost in proportion to the corpus. Writes are atomic (temp file + rename) and the Parquet file's rewrites
are serialized by a lock file, so concurrent workers never corrupt either.
"""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict, ValidationError

from sandmle_core.errors import EnvironmentFormatError
from sandmle_core.layout import Corpus

__all__ = [
    "MANIFEST_SCHEMA",
    "FailureRecord",
    "ManifestRow",
    "ManifestWriter",
    "append_manifest",
    "clear_failure",
    "compact_manifest",
    "journal_manifest",
    "read_failures",
    "read_manifest",
    "slot_key",
    "write_failure",
]


def slot_key(seed_id: str, rng_seed: int, index: int) -> str:
    """The identity of one requested environment, stable across regeneration attempts."""
    return f"{seed_id}:{rng_seed}:{index}"


class FailureRecord(BaseModel):
    """Why one slot has no accepted environment (yet)."""

    model_config = ConfigDict(extra="forbid")

    env_id: str
    seed_id: str
    seed_ref: str
    index: int
    rng_seed: int
    backend: str
    stage: str
    error_type: str
    message: str
    attempts: int = 1
    history: list[dict[str, str | int]] = []

    @property
    def slot(self) -> str:
        return slot_key(self.seed_id, self.rng_seed, self.index)


class ManifestRow(BaseModel):
    """One slot of the corpus as the manifest records it."""

    model_config = ConfigDict(extra="forbid")

    slot: str
    env_id: str
    seed_id: str
    index: int
    rng_seed: int
    attempt_rng_seed: int
    attempts: int = 1
    status: str  # accepted | rejected | failed | duplicate | unbuilt (a build budget stopped before it)
    stage: str | None = None
    reason: str | None = None
    backend: str = "offline"
    model: str | None = None
    modality: str | None = None
    task_type: str | None = None
    metric: str | None = None
    lower_is_better: bool | None = None
    domain: str | None = None
    difficulty: float | None = None
    n_train: int | None = None
    n_test: int | None = None
    n_features: int | None = None
    sample_score: float | None = None
    reference_score: float | None = None
    oracle_score: float | None = None
    gold: float | None = None
    silver: float | None = None
    bronze: float | None = None
    median: float | None = None
    kendall_tau: float | None = None
    spec_hash: str | None = None
    data_hash: str | None = None
    schema_hash: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float = 0.0
    usage_json: str | None = None  # the LLM usage's breakdown by role, by `<role>/<round>` and by attempt (Usage)
    seconds_total: float | None = None
    timings_json: str | None = None
    sandbox_backend: str | None = None  # the sandbox the ladder ran in (bwrap, unshare, rlimit, docker)
    sandbox_missing: str | None = None  # comma-separated isolation it lacked ("" = none)
    build_id: str | None = None  # the build (flow run) that wrote the row: which night added the slot
    notes: str | None = None  # the verdict's notes ("; "-joined): e.g. the Claude writer fell back to the rendering


_ARROW = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}


def _arrow_type(annotation: object) -> pa.DataType:
    for py, arrow in _ARROW.items():
        if annotation is py or annotation == py | None:
            return arrow
    raise TypeError(f"no Arrow type for {annotation!r}")


MANIFEST_SCHEMA = pa.schema([(name, _arrow_type(f.annotation)) for name, f in ManifestRow.model_fields.items()])
COMPACT_EVERY = 256  # journaled rows folded into manifest.parquet at a time by a ManifestWriter
_ADDED_LATER = frozenset({"sandbox_backend", "sandbox_missing", "build_id", "usage_json", "notes"})


@contextmanager
def _locked(path: Path, shared: bool = False) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _atomic_write_bytes(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600: the corpus' readers (a trainer, a group) must read it too
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _read_parquet(path: Path) -> pa.Table:
    if not path.exists():
        return MANIFEST_SCHEMA.empty_table()
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise EnvironmentFormatError(path, f"not a readable Parquet file: {exc}") from exc
    missing = set(MANIFEST_SCHEMA.names) - set(table.column_names)
    for name in sorted(missing & _ADDED_LATER):  # manifests written before a column existed stay readable
        table = table.append_column(name, pa.nulls(table.num_rows, MANIFEST_SCHEMA.field(name).type))
    missing -= _ADDED_LATER
    if missing:
        raise EnvironmentFormatError(path, f"missing manifest columns {sorted(missing)}")
    return table.select(MANIFEST_SCHEMA.names).cast(MANIFEST_SCHEMA)


def _journal_files(corpus: Corpus) -> list[Path]:
    """The journal's rows in the order they were written (their names sort by write time)."""
    folder = corpus.manifest_journal_dir
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def _journal_rows(files: list[Path]) -> list[dict]:
    rows = []
    for path in files:
        try:
            rows.append(ManifestRow.model_validate_json(path.read_bytes()).model_dump())
        except (OSError, ValidationError) as exc:
            raise EnvironmentFormatError(path, f"not a manifest row: {str(exc).splitlines()[0]}") from exc
    return rows


def _merged(table: pa.Table, rows: list[dict]) -> pa.Table:
    """`table` with `rows` applied in order (a row replaces an earlier row of the same slot), sorted by slot."""
    if not rows:
        return table
    by_slot = {row["slot"]: row for row in table.to_pylist()}
    by_slot.update({row["slot"]: row for row in rows})
    return pa.Table.from_pylist([by_slot[k] for k in sorted(by_slot)], schema=MANIFEST_SCHEMA)


def read_manifest(corpus: Corpus) -> pa.Table:
    """The manifest as an Arrow table (empty, with the schema, when there is none yet): `manifest.parquet` with the
    rows journaled since its last compaction applied.

    Raises:
        EnvironmentFormatError: when the file exists but is not a manifest, or a journal entry is not a row.
    """
    # not between a compaction's write and its removals; a corpus on a read-only mount (or none yet) has no writer
    writable = os.access(corpus.root, os.W_OK)
    with _locked(corpus.manifest_path, shared=True) if writable else nullcontext():
        return _merged(_read_parquet(corpus.manifest_path), _journal_rows(_journal_files(corpus)))


_journal_seq = itertools.count()


def journal_manifest(corpus: Corpus, rows: Iterable[ManifestRow]) -> None:
    """Record rows in the manifest's journal, one small file each, whatever the manifest's size: a row costs the same
    in a corpus of ten thousand rows as in an empty one. Readers (`read_manifest`) see journaled rows at once; the
    next `compact_manifest` folds them into `manifest.parquet`. Each entry is written atomically, so a killed build
    keeps every row it journaled."""
    folder = corpus.manifest_journal_dir
    for row in rows:
        name = f"{time.time_ns():020d}-{os.getpid()}-{next(_journal_seq):08d}.json"
        data = row.model_dump_json().encode()
        for _ in range(2):  # a compaction removes the emptied folder; make it again
            folder.mkdir(parents=True, exist_ok=True)
            try:
                _atomic_write_bytes(folder / name, lambda tmp: Path(tmp).write_bytes(data))  # noqa: B023
                break
            except FileNotFoundError:
                continue
        else:
            raise FileNotFoundError(folder / name)


def compact_manifest(corpus: Corpus, rows: Iterable[ManifestRow] = ()) -> pa.Table:
    """Fold the journal (then `rows`) into `manifest.parquet` and remove the entries folded; the new manifest.

    An entry journaled while this runs is left for the next compaction. Killed after the write and before the
    removal, the entries are folded again next time, in the same order, with the same result."""
    with _locked(corpus.manifest_path):
        files = _journal_files(corpus)
        table = _merged(_read_parquet(corpus.manifest_path), _journal_rows(files) + [r.model_dump() for r in rows])
        _atomic_write_bytes(corpus.manifest_path, lambda tmp: pq.write_table(table, tmp))
        for path in files:
            path.unlink(missing_ok=True)
        try:
            corpus.manifest_journal_dir.rmdir()  # a corpus between builds has no journal
        except OSError:  # absent, or an entry written meanwhile
            pass
    return table


def append_manifest(corpus: Corpus, rows: Iterable[ManifestRow]) -> pa.Table:
    """Add rows to the manifest now (a row replaces an earlier row of the same slot), folding in the journal. Returns
    the new manifest. Rewrites the whole file: a flow's many rows go through `ManifestWriter` instead."""
    return compact_manifest(corpus, rows)


class ManifestWriter:
    """The one writer of a corpus' manifest during a flow (or a plain build).

    Every row goes through `add` as its slot finishes and is journaled at once (`journal_manifest`: one small file,
    whatever the corpus' size), so a killed build keeps the rows of the slots it finished; every `compact_every`
    rows and at `close` the journal is folded into `manifest.parquet`, whose rewrite costs in proportion to the
    corpus. Rows stay typed from the slot to the Parquet file.
    """

    def __init__(self, corpus: Corpus, compact_every: int = COMPACT_EVERY) -> None:
        self.corpus = corpus
        self.compact_every = compact_every
        self.rows: list[ManifestRow] = []
        self._journaled = 0

    def add(self, *rows: ManifestRow) -> None:
        """Record finished slots (a row replaces an earlier row of the same slot)."""
        self.rows += rows
        journal_manifest(self.corpus, rows)
        self._journaled += len(rows)
        if self._journaled >= self.compact_every:
            compact_manifest(self.corpus)
            self._journaled = 0

    def close(self) -> Path:
        """Fold the journal into `manifest.parquet`; the manifest's path."""
        compact_manifest(self.corpus)
        self._journaled = 0
        return self.corpus.manifest_path


def write_failure(corpus: Corpus, record: FailureRecord) -> Path:
    """Record (or update) the failure of one slot as `failed/<env_id>.json`; older records of the slot are removed,
    their attempt history kept in front of the new record's (so a slot regenerated twice lists every attempt)."""
    corpus.failed_dir.mkdir(parents=True, exist_ok=True)
    path = corpus.failed_dir / f"{record.env_id}.json"
    with _locked(corpus.failed_dir / ".records"):
        earlier: list[dict[str, str | int]] = []
        for other in read_failures(corpus):
            if other.slot == record.slot:
                earlier += [h for h in other.history if h not in earlier]
                if other.env_id != record.env_id:
                    (corpus.failed_dir / f"{other.env_id}.json").unlink(missing_ok=True)
        newer = [h for h in record.history if h not in earlier]
        record = record.model_copy(update={"history": earlier + newer})
        text = json.dumps(record.model_dump(), indent=2) + "\n"
        _atomic_write_bytes(path, lambda tmp: Path(tmp).write_text(text))
    return path


def clear_failure(corpus: Corpus, seed_id: str, rng_seed: int, index: int) -> None:
    """Forget the failure of a slot (it has now been built)."""
    key = slot_key(seed_id, rng_seed, index)
    with _locked(corpus.failed_dir / ".records"):
        for record in read_failures(corpus):
            if record.slot == key:
                (corpus.failed_dir / f"{record.env_id}.json").unlink(missing_ok=True)


def read_failures(corpus: Corpus) -> list[FailureRecord]:
    """Every failure record, sorted by env_id.

    Raises:
        EnvironmentFormatError: naming a record file that is not a valid failure record.
    """
    if not corpus.failed_dir.is_dir():
        return []
    records = []
    for path in sorted(corpus.failed_dir.glob("*.json")):
        try:
            records.append(FailureRecord.model_validate_json(path.read_text()))
        except (OSError, ValidationError) as exc:
            raise EnvironmentFormatError(path, f"not a failure record: {exc}") from exc
    return records
