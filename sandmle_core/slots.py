"""A slot — one requested environment — and the random streams that belong to it.

A build asks for K environments per seed; slot `index` of seed `seed_id` in a build with rng seed `rng_seed` is one
`SlotKey`. It keeps its identity across repair attempts and regeneration, while each attempt drafts with its own
rng seed (`attempt_seed`). Every random draw of an attempt — drafting, synthesis, noise — comes from a named stream
of `SlotStreams`, keyed by the slot (seed id, index), the attempt (its rng seed) AND the stage name, so two slots of
one build never share a stream, and the same slot, attempt and stage always give the same numbers.

Imports: numpy and the standard library only (everything else imports this).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sandmle_core.taskspec import TaskSpec

__all__ = ["SlotKey", "SlotStreams", "attempt_seed", "stream"]


def stream(seed: int, *names: str | int) -> np.random.Generator:
    """An independent, named random stream derived from one integer seed (same names → same numbers).

    Prefer `SlotStreams`: a bare `stream` is only right for draws shared on purpose by every slot of a seed (the
    order in which a seed's slots take the catalog's domains).
    """
    words = [seed & (2**64 - 1)]
    words += [int.from_bytes(hashlib.sha256(str(n).encode()).digest()[:8], "little") for n in names]
    return np.random.default_rng(np.random.SeedSequence(words))


def attempt_seed(rng_seed: int, attempt: int) -> int:
    """The rng seed of a slot's attempt: the build's seed first, then a fresh, reproducible one per retry."""
    if attempt <= 1:
        return rng_seed
    digest = hashlib.sha256(f"{rng_seed}:attempt:{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


@dataclass(frozen=True, order=True)
class SlotKey:
    """The identity of one requested environment: (seed id, build rng seed, index)."""

    seed_id: str
    rng_seed: int
    index: int

    def __str__(self) -> str:
        """`<seed>:<rng seed>:<index>`, the manifest's `slot` column and the failure record's key."""
        return f"{self.seed_id}:{self.rng_seed}:{self.index}"

    @property
    def run_name(self) -> str:
        """The Prefect task-run name of the slot, stable across attempts: `build-<seed>-<rng seed>-<index>`."""
        return f"build-{self.seed_id}-{self.rng_seed}-{self.index}"

    @property
    def where(self) -> str:
        """`<seed>:<index>`, how a fault plan names the slot."""
        return f"{self.seed_id}:{self.index}"

    def streams(self, attempt: int = 1) -> SlotStreams:
        """The random streams of one attempt of this slot."""
        return SlotStreams(self.seed_id, self.index, attempt_seed(self.rng_seed, attempt))

    @classmethod
    def parse(cls, text: str) -> SlotKey:
        """The inverse of `str(key)`.

        Raises:
            ValueError: when `text` is not `<seed>:<rng seed>:<index>`.
        """
        seed_id, rng, index = text.rsplit(":", 2)
        return cls(seed_id, int(rng), int(index))


@dataclass(frozen=True)
class SlotStreams:
    """The named random streams of one attempt of one slot.

    `streams("synth", "ids")` is the generator of stage `synth/ids` of this slot and attempt; another slot, another
    attempt or another stage name gives an independent stream.
    """

    seed_id: str
    index: int
    attempt_seed: int

    @classmethod
    def of(cls, spec: TaskSpec) -> SlotStreams:
        """The streams of the slot and attempt a spec was drafted for (its `rng_seed` is the attempt's seed)."""
        return cls(spec.seed_id, spec.index, spec.rng_seed)

    def __call__(self, *stage: str | int) -> np.random.Generator:
        return stream(self.attempt_seed, self.seed_id, self.index, *stage)
