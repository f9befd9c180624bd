"""Whether a seed's images are colour photos: read from a fixed sample of its images, for the profile's details.

Most image competitions ship colour photos (fundus photos, leaves, pets, aerial and H&E patches); some are grayscale
(digits, X-rays, scanned documents), and a grayscale picture saved as RGB or JPEG is still grayscale. So the mode is
not enough: `read_seed_colour` opens up to `SAMPLE` images spread evenly over the seed's sorted image list (loose or
inside zips, never extracted) with Pillow, and calls the seed colour when the median image's channels differ by more
than `MIN_SPREAD` grey levels on average. The same folder always gives the same answer.

Imports: Pillow, numpy and the seed inventory.
"""

from __future__ import annotations

import io
import statistics
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from sandmle_core.profiling.inventory import take_inventory

__all__ = ["MIN_SPREAD", "SAMPLE", "read_seed_colour"]

SAMPLE = 16  # images read per seed
MIN_SPREAD = 3.0  # mean max-minus-min channel difference (0-255) above which an image is in colour
_GREY_MODES = frozenset({"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"})
_SIDE = 128  # images are shrunk to at most this side before the channels are compared (cheap on big photos)


def _open(public: Path, rel: str, archives: dict[str, zipfile.ZipFile]) -> Image.Image:
    """One image of the inventory, loose (`a/b.png`) or a zip member (`train.zip!train/b.jpg`)."""
    if "!" not in rel:
        return Image.open(public / rel)
    archive, member = rel.split("!", 1)
    if archive not in archives:
        archives[archive] = zipfile.ZipFile(public / archive)
    return Image.open(io.BytesIO(archives[archive].read(member)))


def _spread(image: Image.Image) -> tuple[str, float]:
    """The image's mode and how much its channels differ (0 for a single-channel mode)."""
    mode = image.mode
    if mode in _GREY_MODES:
        return mode, 0.0
    image.draft("RGB", (_SIDE, _SIDE))  # JPEG: decode at a reduced scale
    rgb = image.convert("RGB")
    rgb.thumbnail((_SIDE, _SIDE))
    pixels = np.asarray(rgb, dtype=np.int16)
    return mode, float((pixels.max(axis=-1) - pixels.min(axis=-1)).mean())


def read_seed_colour(public: Path) -> dict[str, Any]:
    """Whether the images under a seed's public folder are in colour, with the figures behind the answer.

    Args:
        public: the seed's public folder.

    Returns:
        {"colour": bool, "colour_spread": median channel spread of the images read, "image_modes": their Pillow
        modes, "images_read": how many were read}; unreadable images are skipped, and a seed with none readable
        is grayscale (colour False, images_read 0).
    """
    paths = sorted(take_inventory(public).media.get("image", []))
    picks = sorted({int(i) for i in np.linspace(0, len(paths) - 1, min(SAMPLE, len(paths)))}) if paths else []
    modes: set[str] = set()
    spreads: list[float] = []
    archives: dict[str, zipfile.ZipFile] = {}
    try:
        for i in picks:
            try:
                with _open(public, paths[i], archives) as image:
                    mode, spread = _spread(image)
            except (OSError, UnidentifiedImageError, KeyError, zipfile.BadZipFile, ValueError):
                continue  # an unreadable file is no evidence either way
            modes.add(mode)
            spreads.append(spread)
    finally:
        for archive in archives.values():
            archive.close()
    median = statistics.median(spreads) if spreads else 0.0
    return {"colour": bool(median > MIN_SPREAD), "colour_spread": round(median, 3), "image_modes": sorted(modes),
            "images_read": len(spreads)}
