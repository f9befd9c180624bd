"""Publishing a staged environment into the corpus: atomically, once, and never as a near-duplicate.

A slot's finished staging folder is compared with the corpus' published environments and renamed into `envs/` only
when it has no twin. Two environments are near-duplicates when their data is identical (same data hash), when they
come from the same seed, domain and public schema, or when both ship images that look alike in pixel statistics
(`image_index`: compared with every published image environment of the corpus). The comparison and the rename run
under one lock file (`<corpus>/.staging/.publish.lock`), so two Dask workers on a shared corpus cannot both publish
twins, and nothing is ever removed from `envs/` afterwards: a crash anywhere before the rename leaves `envs/` as it
was, and a resumed build rebuilds the slot and compares again. Which of two twins lands is the one that reaches the
lock first. A slot withheld for its images alone (`Publication.alike`) is redrawn by `generate` (its next attempt);
the other twins end the slot.

What is published is summarised in `<corpus>/.work/published.json`: a cache, re-read from an environment's
config.yaml whenever the listing of `envs/` and the cache disagree (a crash between the rename and the cache write
costs one re-read, never a wrong answer).

Imports: layout, taskspec, slots, faults, errors, image_index (the build side's own modules).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import EnvironmentFormatError
from sandmle_core.faults import maybe_fail
from sandmle_core.image_index import ALIKE_REASON, alike_twin, features_of, published_features, remember_features
from sandmle_core.layout import Corpus, publish_environment, read_config
from sandmle_core.slots import SlotKey
from sandmle_core.taskspec import TaskSpec

__all__ = ["Fingerprint", "Publication", "publish_unique", "published_environments", "published_slots"]


@dataclass(frozen=True)
class Fingerprint:
    """What the corpus knows of a published environment: its slot, and what near-duplicate detection compares
    (seed, domain, schema hash, data hash)."""

    env_id: str
    slot: str
    seed_id: str
    domain: str
    schema_hash: str
    data_hash: str
    spec_hash: str

    @classmethod
    def of_spec(cls, spec: TaskSpec, slot: SlotKey, data_hash: str) -> Fingerprint:
        return cls(spec.env_id, str(slot), spec.seed_id, spec.domain.key, spec.schema_signature(), data_hash,
                   spec.spec_hash())

    def is_twin_of(self, other: Fingerprint) -> bool:
        """Near-duplicates: the same data, or the same seed, domain and public schema (another environment)."""
        return self.twin_reason(other) is not None

    def twin_reason(self, other: Fingerprint) -> str | None:
        """Why `other` is a near-duplicate of this one ("same data", "same seed, domain and public schema"), or
        None when it is not (or is this environment)."""
        if other.env_id == self.env_id:
            return None
        if self.data_hash == other.data_hash:
            return "same data"
        if bool(self.schema_hash) and (self.seed_id, self.domain, self.schema_hash) == (
                other.seed_id, other.domain, other.schema_hash):
            return "same seed, domain and public schema"
        return None


@dataclass(frozen=True)
class Publication:
    """How a publish request ended: published as `env_id`, or withheld as a near-duplicate of `twin_of` (`reason`
    says how: the same data, the same seed, domain and schema, or images alike with the figures)."""

    env_id: str
    twin_of: str | None = None
    reason: str | None = None

    @property
    def published(self) -> bool:
        return self.twin_of is None

    @property
    def alike(self) -> bool:
        """Withheld for its images alone (the only kind of twin another attempt of the slot can escape: the others
        are the slot's own seed, domain and schema, or its very data)."""
        return self.twin_of is not None and (self.reason or "").startswith(ALIKE_REASON)


def _index_path(corpus: Corpus) -> Path:
    return corpus.root / ".work" / "published.json"


def _fingerprint_of(env_dir: Path) -> Fingerprint:
    block = read_config(env_dir).sandmle
    prov = block.provenance
    try:
        spec = TaskSpec.model_validate(block.spec)
    except ValueError as exc:
        raise EnvironmentFormatError(env_dir / "config.yaml", f"sandmle.spec is not a valid TaskSpec: {exc}") from exc
    return Fingerprint(env_dir.name, str(SlotKey(prov.seed_id, prov.rng_seed, prov.index)), prov.seed_id,
                       block.domain, spec.schema_signature(), block.data_hash, block.spec_hash)


def published_environments(corpus: Corpus) -> dict[str, Fingerprint]:
    """env_id → fingerprint of every published environment (cached in `.work/published.json`, checked against
    the listing of `envs/`).

    Raises:
        EnvironmentFormatError: naming an environment whose config.yaml cannot be read.
    """
    try:
        cached = {k: Fingerprint(**v) for k, v in json.loads(_index_path(corpus).read_text()).items()}
    except (OSError, ValueError, TypeError):
        cached = {}
    out: dict[str, Fingerprint] = {}
    for env_dir in corpus.environment_dirs():
        out[env_dir.name] = cached.get(env_dir.name) or _fingerprint_of(env_dir)
    return out


def published_slots(corpus: Corpus) -> dict[str, str]:
    """slot → env_id of every published environment."""
    return {fp.slot: env_id for env_id, fp in published_environments(corpus).items()}


def _write_index(corpus: Corpus, index: dict[str, Fingerprint]) -> None:
    path = _index_path(corpus)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".published.")
    with os.fdopen(fd, "w") as handle:
        json.dump({k: asdict(v) for k, v in sorted(index.items())}, handle, indent=1, sort_keys=True)
    os.replace(tmp, path)


@contextmanager
def _publish_lock(corpus: Corpus) -> Iterator[None]:
    corpus.staging_dir.mkdir(parents=True, exist_ok=True)
    with open(corpus.staging_dir / ".publish.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released by the kernel too when the holder dies
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def corpus_identity(corpus: Corpus) -> str:
    """A token written the first time the folder is used as a corpus (`.work/corpus-id`).

    A corpus folder removed and built again at the same path is a new corpus: keys that include this token
    (the build task's result cache) never hand it the old corpus's slot results. Safe under concurrent
    callers: the token is linked into place whole, so a reader never sees a half-written file.
    """
    path = corpus.root / ".work" / "corpus-id"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkstemp(prefix="corpus-id.", suffix=".tmp", dir=path.parent)[1])
        tmp.write_text(uuid.uuid4().hex)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another worker made it first: its token stands
        finally:
            tmp.unlink()
    return path.read_text().strip()


def publish_unique(corpus: Corpus, staged: EnvFolder, fingerprint: Fingerprint) -> Publication:
    """Move a finished staging folder into `envs/` unless a published environment is its near-duplicate.

    A withheld folder is removed from staging; a folder whose env id is already published (the same spec, so the
    same bytes) is discarded and reported as published. The staged images' features are read before the lock (the
    costly part: up to `SAMPLE` images); under it, the published environments' come from their cache.

    Raises:
        EnvironmentFormatError: when `staged` is not a finished folder inside the corpus' staging area.
    """
    if staged.name != fingerprint.env_id:
        raise EnvironmentFormatError(staged.root, f"staged as {staged.name!r}, fingerprinted as {fingerprint.env_id}")
    images = features_of(staged.public)
    with _publish_lock(corpus):
        index = published_environments(corpus)
        if fingerprint.env_id in index:
            shutil.rmtree(staged.root, ignore_errors=True)
            return Publication(fingerprint.env_id)
        twin = next(((env_id, why) for env_id, fp in sorted(index.items())
                     if (why := fingerprint.twin_reason(fp)) is not None), None)
        if twin is None and images.features is not None:
            alike = alike_twin(images, published_features(corpus, {k: fp.data_hash for k, fp in index.items()}))
            twin = None if alike is None else (alike.env_id, alike.detail)
        if twin is not None:
            shutil.rmtree(staged.root, ignore_errors=True)
            return Publication(fingerprint.env_id, twin_of=twin[0], reason=twin[1])
        publish_environment(corpus, staged)
        maybe_fail("publish-index", SlotKey.parse(fingerprint.slot).where)  # rehearse a crash before the cache
        index[fingerprint.env_id] = fingerprint
        _write_index(corpus, index)
        remember_features(corpus, fingerprint.env_id, fingerprint.data_hash, images)
    return Publication(fingerprint.env_id)
