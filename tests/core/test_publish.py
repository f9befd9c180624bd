"""Publishing is the near-duplicate filter: a twin of a published environment is withheld in staging, `envs/` only
grows, concurrent publishers (real processes, one lock) never publish two twins, and the corpus' index of published
environments heals itself after a crash or a hand edit."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path

import pytest

from sandmle_core.envfolder import EnvFolder
from sandmle_core.layout import Corpus
from sandmle_core.publish import Fingerprint, publish_unique, published_environments, published_slots

pytestmark = pytest.mark.slow


@pytest.fixture
def corpus(tiny_corpus: Path, tmp_path: Path) -> Corpus:
    """A private copy of the session's tiny corpus (two published environments)."""
    shutil.copytree(tiny_corpus / "envs", tmp_path / "envs")
    return Corpus(tmp_path)


def _stage_copy(corpus: Corpus, source: Path, env_id: str) -> tuple[EnvFolder, Fingerprint]:
    """A finished staging folder holding a byte copy of `source` under another id: its near-duplicate."""
    staged = EnvFolder(corpus.staging_dir / env_id)
    shutil.copytree(source, staged.root)
    original = published_environments(corpus)[source.name]
    return staged, Fingerprint(env_id, f"{original.seed_id}:99:{env_id[-1]}", original.seed_id, original.domain,
                               original.schema_hash, original.data_hash, original.spec_hash)


def test_the_index_knows_every_published_environment(corpus: Corpus) -> None:
    index = published_environments(corpus)
    assert sorted(index) == [p.name for p in corpus.environment_dirs()]
    assert sorted(published_slots(corpus)) == ["breast-cancer:5:0", "penguins:5:0"]
    breast, penguins = (index[p.name] for p in corpus.environment_dirs())
    assert not breast.is_twin_of(penguins) and not breast.is_twin_of(breast)


def test_a_near_duplicate_is_withheld_and_envs_only_grows(corpus: Corpus) -> None:
    before = {p.name: p.stat().st_ino for p in corpus.environment_dirs()}
    source = corpus.environment_dirs()[0]
    staged, fingerprint = _stage_copy(corpus, source, "breast-cancer-copy-0000000a")
    publication = publish_unique(corpus, staged, fingerprint)
    assert not publication.published and publication.twin_of == source.name
    assert not staged.root.exists()  # withheld in staging, never published
    assert {p.name: p.stat().st_ino for p in corpus.environment_dirs()} == before
    # the same data under another seed and domain is still a twin (identical data hash)
    staged, fingerprint = _stage_copy(corpus, source, "other-seed-copy-0000000b")
    other = Fingerprint(fingerprint.env_id, "other:1:0", "other", "elsewhere", "0" * 16, fingerprint.data_hash, "x")
    assert publish_unique(corpus, staged, other).twin_of == source.name


def _publish_one(root: str, env_id: str, fingerprint: dict, start: multiprocessing.synchronize.Barrier,
                 results: multiprocessing.Queue) -> None:
    start.wait()
    publication = publish_unique(Corpus(Path(root)), EnvFolder(Path(root) / ".staging" / env_id),
                                 Fingerprint(**fingerprint))
    results.put((env_id, publication.published))


def test_concurrent_publishers_never_publish_two_twins(tmp_path: Path, tiny_corpus: Path) -> None:
    other, source = Corpus(tiny_corpus).environment_dirs()  # the twins are copies of `source`
    shutil.copytree(other, tmp_path / "envs" / other.name)  # each publisher reads its config: a real race window
    corpus = Corpus(tmp_path)
    fingerprints = []
    for i in range(4):
        env_id = f"penguins-twin-{i:08d}"
        shutil.copytree(source, corpus.staging_dir / env_id)
        original = published_environments(Corpus(tiny_corpus))[source.name]
        fingerprints.append(Fingerprint(env_id, f"penguins:7:{i}", original.seed_id, original.domain,
                                        original.schema_hash, original.data_hash, original.spec_hash))
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(len(fingerprints)), context.Queue()
    workers = [context.Process(target=_publish_one, args=(str(tmp_path), fp.env_id, fp.__dict__, start, results))
               for fp in fingerprints]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=300)
    outcomes = dict(results.get(timeout=5) for _ in workers)
    assert sum(outcomes.values()) == 1, outcomes
    (winner,) = [k for k, ok in outcomes.items() if ok]
    assert sorted(p.name for p in corpus.environment_dirs()) == sorted([other.name, winner])


def test_the_index_heals_after_a_crash_or_a_hand_edit(corpus: Corpus) -> None:
    index_path = corpus.root / ".work" / "published.json"
    staged, fingerprint = _stage_copy(corpus, corpus.environment_dirs()[0], "breast-cancer-copy-0000000c")
    publish_unique(corpus, staged, fingerprint)  # withheld: writes no index
    assert not index_path.exists()
    first = published_environments(corpus)
    index_path.parent.mkdir(parents=True, exist_ok=True)
    index_path.write_text("{not json")  # a torn or hand-edited cache is re-read from the configs
    assert published_environments(corpus) == first
    stale = {k: v.__dict__ for k, v in first.items()}
    stale["gone-env-00000000"] = {**next(iter(stale.values())), "env_id": "gone-env-00000000"}
    index_path.write_text(json.dumps(stale))  # an entry whose folder was removed is dropped
    assert published_environments(corpus) == first
