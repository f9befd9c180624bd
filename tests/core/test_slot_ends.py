"""How a slot ends. A slot whose key the corpus already published is not built again: `generate_slot` returns it as
cached, its hashes read from the corpus. It is the path a Dask task takes when it runs a second time after its first
run published (the scheduler dropped the worker after the slot landed); it raised a TypeError there until 2026-12-04.
A slot that lands on a retry tells its earlier attempts in its notes."""

from __future__ import annotations

from pathlib import Path

from sandmle_core.agents import get_backend
from sandmle_core.generate import generate_slot
from sandmle_core.layout import Corpus
from sandmle_core.pipeline import analyze_seed, read_profile
from sandmle_core.publish import published_environments, published_slots
from sandmle_core.slots import SlotKey


def _no_contracts(*_args, **_kwargs):
    raise AssertionError("a cached slot must not be checked: nothing is built")


def test_a_published_slot_is_returned_cached_without_a_build(tiny_corpus: Path) -> None:
    corpus = Corpus(tiny_corpus)
    slot, env_id = next((s, e) for s, e in published_slots(corpus).items() if s.startswith("breast-cancer:"))
    seed_id, rng_seed, index = slot.split(":")
    seed_id, profile_file = analyze_seed("breast-cancer", tiny_corpus)
    key = SlotKey(seed_id, int(rng_seed), int(index))
    assert str(key) == slot
    before = sorted(p.relative_to(tiny_corpus) for p in (tiny_corpus / "envs").rglob("*"))
    outcome = generate_slot(read_profile(profile_file), key, "breast-cancer", corpus, get_backend("offline"),
                            _no_contracts)
    assert (outcome.status, outcome.env_id, outcome.attempts) == ("cached", env_id, 1)
    fingerprint = published_environments(corpus)[env_id]
    assert outcome.hashes is not None and outcome.hashes.data_hash == fingerprint.data_hash
    assert sorted(p.relative_to(tiny_corpus) for p in (tiny_corpus / "envs").rglob("*")) == before


def test_a_slot_landing_on_a_retry_tells_why_its_earlier_attempt_was_rejected(tmp_path: Path) -> None:
    """The manifest said only `attempts 2` of a slot whose first attempt the verifier rejected; its reason was dropped
    once the slot landed. diamonds slot 4 of rng seed 7 is rejected at its first attempt (its ladder order) and lands
    at its second: the row's notes tell attempt 1, its stage and its reason, and nothing of the attempt that landed."""
    from sandmle_core.generate import generate_environment
    from sandmle_core.outcomes import manifest_row

    outcome = generate_environment("diamonds", 4, 7, tmp_path / "corpus")
    assert (outcome.status, outcome.attempts) == ("accepted", 2), outcome
    (told,) = outcome.earlier
    assert told.startswith("attempt 1 (diamonds-") and " rejected at validate: " in told, told
    assert outcome.env_id not in told and len(told.split(" rejected at validate: ", 1)[1]) > 20, told  # its reason
    assert manifest_row(outcome, "offline").notes == told
