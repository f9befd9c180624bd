"""Image environments alike in pixel statistics, found at publish time against the corpus' published ones.

`publish_unique` withholds a staged environment whose images look like those of a published environment: the alike
rule of `modalities.image.variety` (signature distance at most `ALIKE_FACTOR` x the distance of random splits of the
pair's pooled images), applied to the staged environment against every published image environment of the corpus —
not only those of its build, as the other near-duplicates are compared (a corpus is served whole, and builds add to
it). Which of two alike environments lands is the one that reaches the publish lock first; the slot of the other
is redrawn (`generate`: its next attempt, up to the attempt limit; failed when every attempt is alike).

What the rule reads of a published environment (the features of up to `SAMPLE` of its images, and its own split
noise) is cached per environment in `<corpus>/.work/image-features/<env_id>.npz`, so a publish reads a few small
files instead of 256 images per published environment. The cache is never trusted over `envs/`: an entry is rebuilt
from the environment's folder when it is missing, unreadable, made for other data (its data hash is not the one the
environment's config.yaml records — a published folder is never changed in place, so another data hash is the only
way its images change) or by another sampling or feature version; entries of environments no longer in `envs/` are
removed. A non-image environment has an entry too (no features), so publishing never lists its files again.

Imports: numpy, `modalities.image.variety`, layout (no orchestrator).
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sandmle_core.layout import Corpus
from sandmle_core.modalities.image.variety import (
    ALIKE_FACTOR,
    SAMPLE,
    compare_environments,
    environment_features,
    own_noise,
)

__all__ = ["ALIKE_REASON", "FEATURES_VERSION", "AlikeTwin", "ImageFeatures", "alike_twin", "features_of",
           "published_features", "remember_features"]

ALIKE_REASON = "alike in image statistics"
"""How a withheld slot's manifest reason starts its figures (the build summary counts these)."""

FEATURES_VERSION = 1
"""Bumped whenever `variety._features` or its sampling changes: older cache entries are then rebuilt."""


@dataclass(frozen=True)
class ImageFeatures:
    """What the alike rule reads of one environment: its sampled images' features (None: not an image environment)
    and its own split noise."""

    features: np.ndarray | None
    own: float = 0.0


@dataclass(frozen=True)
class AlikeTwin:
    """A published environment a staged one is alike to, with the figures: distance <= ALIKE_FACTOR x null."""

    env_id: str
    distance: float
    null: float

    @property
    def detail(self) -> str:
        return (f"{ALIKE_REASON}: distance {self.distance:.4f} <= {ALIKE_FACTOR}x null {self.null:.4f}, ratio "
                f"{self.distance / self.null:.2f}")


def features_of(public: Path) -> ImageFeatures:
    """The alike rule's view of the images under `public` (an environment's `prepared/public`)."""
    found = environment_features(public)
    return ImageFeatures(found, own_noise(found) if found is not None else 0.0)


def _cache_dir(corpus: Corpus) -> Path:
    return corpus.root / ".work" / "image-features"


def _read_entry(path: Path, data_hash: str) -> ImageFeatures | None:
    """A cache entry, or None when it is missing, torn, or made for other data or another version."""
    try:
        with np.load(path, allow_pickle=False) as entry:
            if (str(entry["data_hash"]), int(entry["sample"]), int(entry["version"])) != (
                    data_hash, SAMPLE, FEATURES_VERSION):
                return None
            features = entry["features"]
            return ImageFeatures(features if len(features) else None, float(entry["own"]))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None


def remember_features(corpus: Corpus, env_id: str, data_hash: str, found: ImageFeatures) -> None:
    """Write (atomically) the cache entry of a published environment."""
    folder = _cache_dir(corpus)
    folder.mkdir(parents=True, exist_ok=True)
    features = found.features if found.features is not None else np.empty((0, 0))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{env_id}.", suffix=".npz")
    with os.fdopen(fd, "wb") as handle:
        np.savez(handle, features=features, own=found.own, data_hash=np.str_(data_hash), sample=SAMPLE,
                 version=FEATURES_VERSION)
    os.replace(tmp, folder / f"{env_id}.npz")


def published_features(corpus: Corpus, data_hashes: Mapping[str, str]) -> dict[str, ImageFeatures]:
    """env_id → the alike rule's view of every published environment, from the cache where it is current and from
    the environment's folder (then cached) where it is not.

    Args:
        data_hashes: env_id → data hash of every published environment (the publish index).
    """
    folder = _cache_dir(corpus)
    if folder.is_dir():
        for stale in folder.glob("*.npz"):  # an environment no longer published (a hand removal)
            if stale.stem not in data_hashes:
                stale.unlink(missing_ok=True)
    out: dict[str, ImageFeatures] = {}
    for env_id, data_hash in sorted(data_hashes.items()):
        found = _read_entry(folder / f"{env_id}.npz", data_hash)
        if found is None:
            found = features_of(corpus.env_dir(env_id) / "prepared" / "public")
            remember_features(corpus, env_id, data_hash, found)
        out[env_id] = found
    return out


def alike_twin(staged: ImageFeatures, published: Mapping[str, ImageFeatures]) -> AlikeTwin | None:
    """The published environment the staged one is most alike to (smallest distance over null; env id breaks a
    tie), or None when it is alike to none (or ships no images)."""
    if staged.features is None:
        return None
    twins = []
    for env_id, other in sorted(published.items()):
        if other.features is None:
            continue
        distance, null = compare_environments(staged.features, other.features, staged.own, other.own)
        if null is not None and distance <= ALIKE_FACTOR * null:
            twins.append(AlikeTwin(env_id, distance, null))
    return min(twins, key=lambda t: (t.distance / t.null, t.env_id), default=None)
