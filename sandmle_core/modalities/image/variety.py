"""Visual variety of image environments: near-duplicate images inside one, and pixel-statistics distance between two.

`near_duplicates` finds pairs of images of one environment whose 16x16 thumbnails, each standardized (so a brightness
or contrast shift does not hide a copy), are closer than a threshold: a copied or re-saved image, or a renderer that
ignores its nuisance. `signature` summarizes how a set of images looks (mean intensity histogram, and mean spectrum
of the gradients by spatial frequency), and `signature_distance` compares two summaries: environments of different
domains should be far apart, two halves of one environment close. Both read PNG/JPEG files with Pillow, so a
verifier, a contract or a test can call them on a built folder. `alike_environments` applies the distance to the
image environments of one build: a pair is alike when the two are no further apart than random splits of their
pooled images (`null_distance`), i.e. than two samples of one rule would be. Publishing enforces the same rule
(`compare_environments` on `environment_features`): `sandmle_core.image_index` withholds a staged environment alike
to a published one.

Imports: numpy, Pillow and the standard library only.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

__all__ = ["ALIKE_FACTOR", "DUPLICATE_DISTANCE", "NULL_SPLITS", "SAMPLE", "ZipMember", "alike_environments",
           "compare_environments", "environment_features", "image_files", "near_duplicates", "null_distance",
           "own_noise", "signature", "signature_distance", "thumbnails", "zip_images"]

DUPLICATE_DISTANCE = 0.2
"""RMS distance between standardized 16x16 thumbnails below which two images count as near-duplicates. Measured on
three 200-image environments: independent renders at 0.35 and more (closest pair of ~20,000), a copy under fresh
noise (sd 0.03) or a JPEG re-save (quality 75) at 0.04–0.1, a brightness/contrast shift at 0.005."""

ALIKE_FACTOR = 1.5
"""Two environments are alike when their signature distance is at most this many times the distance two random
splits of their pooled images lie apart (`NULL_SPLITS` splits, averaged): what the distance would be if both came
from one rule. Measured on 4 draws of three 100 + 100-image environments of different domains (leaf, grid, disc):
between-domain distances 1.7-5.0 times their null (11 of 12 pairs above 2), one environment's two halves 0.83-0.91
times theirs. The earlier rule (2x the larger even/odd half-to-half distance) compared against a split that
understated the noise (0.038-0.046 against 0.05-0.075 for random halves) and called 7 of 12 between-domain pairs
alike on 4 other draws of the same domains."""

NULL_SPLITS = 8
"""Random splits of a pair's pooled images averaged into its null distance (the images' features are read once)."""

SAMPLE = 256
"""Images per environment that `alike_environments` reads (evenly spaced in name order): enough for a stable
signature, cheap for a build of hundreds of environments."""

_BINS = 16
_SIDE = 32  # images are compared at this size, whatever their own


def image_files(folder: Path) -> list[Path]:
    """The PNG and JPEG files under `folder` (recursively), in name order."""
    return sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in (".png", ".jpg", ".jpeg"))


ZipMember = tuple[Path, str]
"""An image inside a zip archive: (the archive, the member's name)."""


def zip_images(folder: Path) -> list[ZipMember]:
    """The PNG and JPEG members of the zip archives under `folder` (as mle-bench ships train.zip / test.zip)."""
    out: list[ZipMember] = []
    for archive in sorted(Path(folder).rglob("*.zip")):
        with zipfile.ZipFile(archive) as zf:
            out += [(archive, n) for n in sorted(zf.namelist()) if n.lower().endswith((".png", ".jpg", ".jpeg"))]
    return out


def _load(paths: Sequence[Path | ZipMember]) -> np.ndarray:
    out = np.empty((len(paths), _SIDE, _SIDE), dtype=np.float32)
    archives: dict[Path, zipfile.ZipFile] = {}
    try:
        for i, path in enumerate(paths):
            if isinstance(path, tuple):
                if path[0] not in archives:  # setdefault would open the archive again for every member
                    archives[path[0]] = zipfile.ZipFile(path[0])
                zf = archives[path[0]]
                source = io.BytesIO(zf.read(path[1]))
            else:
                source = path
            with Image.open(source) as im:
                out[i] = np.asarray(im.convert("L").resize((_SIDE, _SIDE), Image.BILINEAR), dtype=np.float32) / 255.0
    finally:
        for zf in archives.values():
            zf.close()
    return out


def thumbnails(paths: Sequence[Path | ZipMember], side: int = 16) -> np.ndarray:
    """Each image as a standardized side x side thumbnail (block means, zero mean, unit sd): (n, side * side)."""
    pixels = _load(paths)
    f = _SIDE // side
    thumbs = pixels.reshape(len(paths), side, f, side, f).mean(axis=(2, 4)).reshape(len(paths), -1)
    thumbs = thumbs - thumbs.mean(axis=1, keepdims=True)
    return thumbs / (thumbs.std(axis=1, keepdims=True) + 1e-6)


def near_duplicates(paths: Sequence[Path | ZipMember], max_distance: float = DUPLICATE_DISTANCE
                    ) -> list[tuple[Path | ZipMember, Path | ZipMember, float]]:
    """Pairs of images whose standardized thumbnails are within `max_distance` (RMS), closest first.

    Args:
        paths: the images of one environment, files or zip members (train and test together: a test image copied
            from a training image is the worst kind of duplicate).
        max_distance: the RMS thumbnail distance that counts as a duplicate.

    Returns:
        list: (first, second, distance) for every pair under the threshold; empty when every image is distinct.
    """
    if len(paths) < 2:
        return []
    t = thumbnails(paths)
    # standardized rows: mean squared difference = 2 - 2 * correlation
    squared = np.maximum(2.0 - 2.0 * (t @ t.T) / t.shape[1], 0.0)
    i, j = np.nonzero(np.triu(squared < max_distance**2, k=1))
    pairs = sorted(zip(i.tolist(), j.tolist(), np.sqrt(squared[i, j]).tolist(), strict=True), key=lambda p: p[2])
    return [(paths[a], paths[b], round(d, 4)) for a, b, d in pairs]


def _features(pixels: np.ndarray) -> np.ndarray:
    """Per image, what a signature averages: its 16-bin intensity histogram and its gradient energy in 8
    spatial-frequency rings, unnormalized: (n, 24)."""
    hist = np.stack([np.histogram(p, bins=_BINS, range=(0.0, 1.0))[0] for p in pixels]).astype(np.float64)
    gy, gx = np.gradient(pixels, axis=(1, 2))
    power = np.abs(np.fft.fftshift(np.fft.fft2(np.hypot(gx, gy)), axes=(1, 2)))
    yy, xx = np.indices(power.shape[1:]) - _SIDE // 2
    ring = np.minimum((np.hypot(yy, xx) / (_SIDE / 2) * 8).astype(int), 7).ravel()
    rings = np.stack([np.bincount(ring, weights=p.ravel(), minlength=8) for p in power])
    return np.concatenate([hist, rings], axis=1)


def _aggregate(features: np.ndarray) -> np.ndarray:
    """A set's signature from its images' `_features`: each part's mean, scaled to sum to 1."""
    mean = features.mean(0)
    hist, rings = mean[:_BINS], mean[_BINS:]
    return np.concatenate([hist / hist.sum(), rings / rings.sum()])


def signature(paths: Sequence[Path | ZipMember]) -> np.ndarray:
    """How a set of images looks: the mean 16-bin intensity histogram and the mean share of gradient energy in 8
    spatial-frequency rings (each part sums to 1)."""
    return _aggregate(_features(_load(paths)))


def null_distance(a: np.ndarray, b: np.ndarray, splits: int = NULL_SPLITS) -> float:
    """The signature distance two sets of these sizes would lie apart if they came from one rule: the mean distance
    between random splits (sizes len(a), len(b)) of the pooled `_features`, on a fixed stream."""
    pooled = np.concatenate([a, b])
    rng = np.random.default_rng(0)
    out = []
    for _ in range(splits):
        order = rng.permutation(len(pooled))
        out.append(signature_distance(_aggregate(pooled[order[:len(a)]]), _aggregate(pooled[order[len(a):]])))
    return float(np.mean(out))


def signature_distance(a: np.ndarray, b: np.ndarray) -> float:
    """L1 distance between two signatures (0 = alike, at most 4)."""
    return float(np.abs(a - b).sum())


def _spaced(files: Sequence[Path | ZipMember], k: int) -> list[Path | ZipMember]:
    if len(files) <= k:
        return list(files)
    return [files[i] for i in np.linspace(0, len(files) - 1, k).round().astype(int)]


def environment_features(folder: Path, sample: int = SAMPLE) -> np.ndarray | None:
    """What the alike rule reads of one environment: the `_features` of up to `sample` of its images, evenly spaced in
    name order, loose or (when it has no loose images) inside zip archives under `folder`.

    Returns:
        (n, 24) float64, or None when `folder` holds fewer than 4 images (not an image environment).
    """
    files = _spaced(image_files(folder) or zip_images(folder), sample)
    return _features(_load(files)) if len(files) >= 4 else None


def own_noise(features: np.ndarray) -> float:
    """An environment's own split noise: the `null_distance` of its even and odd sampled images."""
    return null_distance(features[::2], features[1::2])


def compare_environments(a: np.ndarray, b: np.ndarray, own_a: float, own_b: float, factor: float = ALIKE_FACTOR
                         ) -> tuple[float, float | None]:
    """The alike rule on two environments' `environment_features` and their `own_noise`.

    Returns:
        (signature distance, null distance); the null is None when the pair lies further apart than `factor` x
        twice the larger own noise (never alike, and its null is not computed). The pair is alike when
        distance <= factor x null.
    """
    d = signature_distance(_aggregate(a), _aggregate(b))
    return d, null_distance(a, b) if d <= factor * 2.0 * max(own_a, own_b) else None


def alike_environments(folders: dict[str, Path], sample: int = SAMPLE, factor: float = ALIKE_FACTOR
                       ) -> dict[str, object]:
    """Which image environments of one build look alike in pixel statistics.

    Args:
        folders: environment id -> the folder holding its images (e.g. its `prepared/public`), loose or, when it
            has no loose images, inside zip archives; an environment with fewer than 4 images is left out.
        sample: images read per environment, evenly spaced in name order.
        factor: a pair is alike when its distance <= factor x its `null_distance` (both from one rule).

    Returns:
        {"environments": n compared, "closest": [id, id, distance, distance / null] or None (the pair with the
        smallest ratio to its null), "alike": [[id, id, distance, limit], ...], "between_min": the smallest
        distance}: distances rounded to 4 places. A pair further apart than `factor` x twice the larger of its two
        environments' own split noise is never alike and its null is not computed (a build of hundreds of image
        environments compares only its near pairs closely).
    """
    features: dict[str, np.ndarray] = {}
    for env_id, folder in sorted(folders.items()):
        found = environment_features(folder, sample)
        if found is not None:
            features[env_id] = found
    own = {k: own_noise(f) for k, f in features.items()}  # halves: above a pair's null
    ids = sorted(features)
    pairs = [(a, b, *compare_environments(features[a], features[b], own[a], own[b], factor))
             for n, a in enumerate(ids) for b in ids[n + 1:]]
    alike = [[a, b, round(d, 4), round(factor * null, 4)] for a, b, d, null in pairs
             if null is not None and d <= factor * null]
    scored = [(a, b, d, d / null) for a, b, d, null in pairs if null]
    closest = min(scored, key=lambda p: p[3], default=None)
    return {"environments": len(ids),
            "closest": None if closest is None else [closest[0], closest[1], round(closest[2], 4),
                                                     round(closest[3], 2)],
            "alike": sorted(alike, key=lambda p: p[2]),
            "between_min": round(min(p[2] for p in pairs), 4) if pairs else None}
