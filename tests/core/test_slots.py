"""Random streams are keyed by the slot (seed id, index, attempt) and the stage: two slots of one build never share a
stream, while the same slot, attempt and stage always draw the same numbers.

Before this keying, every synthesizer drew from `stream(spec.rng_seed, stage)`, and `spec.rng_seed` is the build's
seed on a slot's first attempt — so all first-attempt slots of a build shared their id permutations, label-noise and
nuisance draws whenever their sizes matched. The tests below run the real strategist and synthesizers and record
which streams they open (a spy on `SlotStreams.__call__` that draws from a second, identical generator).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.envfolder import EnvFolder
from sandmle_core.modalities import get_kit
from sandmle_core.profile import profile_seed
from sandmle_core.seeds import get_bundled_seed
from sandmle_core.slots import SlotKey, SlotStreams, attempt_seed

pytestmark = pytest.mark.slow

SEEDS = {"tabular": "penguins", "text": "docstrings", "image": "digits", "time_series": "co2"}


def test_streams_differ_by_slot_attempt_and_stage_and_repeat_exactly() -> None:
    key = SlotKey("wine", 0, 1)
    first = key.streams(1)("synth", "ids").random(4).tolist()
    assert key.streams(1)("synth", "ids").random(4).tolist() == first  # same slot, attempt, stage: same numbers
    others = [SlotKey("wine", 0, 2).streams(1), SlotKey("penguins", 0, 1).streams(1), key.streams(2)]
    assert all(s("synth", "ids").random(4).tolist() != first for s in others)
    assert key.streams(1)("synth", "noise").random(4).tolist() != first
    assert key.streams(1).attempt_seed == 0 and key.streams(2).attempt_seed == attempt_seed(0, 2) != 0
    assert str(key) == "wine:0:1" and SlotKey.parse(str(key)) == key and key.run_name == "build-wine-0-1"


def _synthesize_recording(spec, folder: Path, sizes: tuple[int, int], monkeypatch) -> dict[tuple, tuple]:
    """Synthesize `spec` at `sizes`; return stage → first draws of every stream the synthesizer opened."""
    opened: dict[tuple, tuple] = {}
    real = SlotStreams.__call__

    def spy(self: SlotStreams, *stage: str | int):
        opened[stage] = tuple(real(self, *stage).random(4).tolist())
        return real(self, *stage)

    with monkeypatch.context() as m:
        m.setattr(SlotStreams, "__call__", spy)
        get_kit(spec.modality).synthesize(spec, EnvFolder(folder), n_train=sizes[0], n_test=sizes[1])
    return opened


@pytest.mark.parametrize("modality", sorted(SEEDS))
def test_two_slots_of_one_build_never_share_a_stream(modality: str, tmp_path: Path, monkeypatch) -> None:
    seed = SEEDS[modality]
    profile = profile_seed(get_bundled_seed(seed))
    specs = [OfflineStrategist().draft_spec(seed, profile, index, 0) for index in (0, 1)]
    assert all(s.rng_seed == 0 for s in specs)  # first attempts: the build's own rng seed, as before the fix
    sizes = (min(s.n_train for s in specs), min(s.n_test for s in specs))  # same sizes: the old collision case
    draws = [_synthesize_recording(s, tmp_path / str(s.index), sizes, monkeypatch) for s in specs]
    common = draws[0].keys() & draws[1].keys()  # the stages both opened (driver streams are named by column)
    assert common
    shared = {stage for stage in common if draws[0][stage] == draws[1][stage]}
    assert not shared, f"slots 0 and 1 share the streams {sorted(shared)}"  # ...with different numbers
    again = _synthesize_recording(specs[0], tmp_path / "again", sizes, monkeypatch)
    assert again == draws[0]
    first, second = EnvFolder(tmp_path / "0"), EnvFolder(tmp_path / "again")
    assert first.train.read_bytes() == second.train.read_bytes()  # same slot, same bytes


def test_same_size_slots_get_different_id_permutations(tmp_path: Path) -> None:
    """The visible symptom of the shared streams: the same ids (tabular) and the same image split (image)."""
    for seed, column in (("penguins", None), ("digits", "image_id")):
        profile = profile_seed(get_bundled_seed(seed))
        ids = []
        for index in (0, 1):
            spec = OfflineStrategist().draft_spec(seed, profile, index, 0)
            folder = EnvFolder(tmp_path / f"{seed}-{index}")
            get_kit(spec.modality).synthesize(spec, folder, n_train=60, n_test=40)
            train = pd.read_csv(folder.train)
            values = train[column or spec.grading.id_column].astype(str)
            ids.append(sorted(v.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for v in values))
        assert ids[0] != ids[1], seed
