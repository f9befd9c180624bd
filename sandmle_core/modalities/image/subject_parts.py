"""The parts subject drawers are built from (`subjects.py`): a motif, a drawer, signed-distance helpers and the fills.

A region is a signed distance in the class pattern's frame (negative inside; only its sign and scale near the edge
matter, as for the generic silhouettes); `u` runs along the pattern, `v` across it and downwards in an upright
image. The helpers here combine regions (union, intersection, cut) and draw the shapes several drawers share
(segments, capsules, ellipses, zig-zags, lattices of specks).

Imports: numpy only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["Drawer", "Field", "Motif", "box", "capsule", "cut", "ellipse", "fill", "jag", "lobed", "ring", "seg",
           "speckle", "union"]

Field = Callable[[np.ndarray, np.ndarray], np.ndarray]


def seg(u: np.ndarray, v: np.ndarray, half_length: float, half_width: float | np.ndarray) -> np.ndarray:
    """An axis-aligned bar centred on the origin."""
    return np.maximum(np.abs(u) - half_length, np.abs(v) - half_width)


def box(u: np.ndarray, v: np.ndarray, x0: float, x1: float, y0: float, y1: float) -> np.ndarray:
    """The rectangle x0 < u < x1, y0 < v < y1."""
    return np.maximum(np.maximum(x0 - u, u - x1), np.maximum(y0 - v, v - y1))


def ellipse(u: np.ndarray, v: np.ndarray, cx: float, cy: float, a: float, b: float) -> np.ndarray:
    """An ellipse of half-axes a (along u) and b centred on (cx, cy); an approximate distance."""
    return (np.hypot((u - cx) / a, (v - cy) / b) - 1.0) * min(a, b)


def capsule(u: np.ndarray, v: np.ndarray, x0: float, y0: float, x1: float, y1: float, r: float) -> np.ndarray:
    """A stroke of half-width r from (x0, y0) to (x1, y1): limbs, poles, booms, legs."""
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((u - x0) * dx + (v - y0) * dy) / (dx * dx + dy * dy), 0.0, 1.0)
    return np.hypot(u - x0 - t * dx, v - y0 - t * dy) - r


def ring(u: np.ndarray, v: np.ndarray, radius: float, half_width: float, cx: float = 0.0, cy: float = 0.0
         ) -> np.ndarray:
    return np.abs(np.hypot(u - cx, v - cy) - radius) - half_width


def lobed(u: np.ndarray, v: np.ndarray, radius: float, depth: float, lobes: float, turn: float = 0.0) -> np.ndarray:
    """A disc whose edge swells `lobes` times around it (blotches, crowns, puffs)."""
    return np.hypot(u, v) - (radius + depth * np.cos(lobes * np.arctan2(v, u) + turn))


def union(*regions: np.ndarray) -> np.ndarray:
    return np.minimum.reduce(regions)


def cut(region: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """`region` without `hole`."""
    return np.maximum(region, -hole)


def jag(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """A thin zig-zag line (a crack, a fracture)."""
    return seg(u, v - 0.3 * (4.0 * np.abs(np.mod(0.6 * u + 0.25, 1.0) - 0.5) - 1.0), 1.2, 0.15)


def speckle(u: np.ndarray, v: np.ndarray, pitch: float, radius: float, extent: float) -> np.ndarray:
    """Round specks on a skewed lattice inside a disc of radius `extent`."""
    a, b = np.mod(u + 0.5 * v + 3.0, pitch) - pitch / 2, np.mod(v + 3.0, pitch) - pitch / 2
    return np.maximum(np.hypot(a, b) - radius, np.hypot(u, v) - extent)


@dataclass(frozen=True)
class Motif:
    """A class's look in a drawer: a region (signed distance, negative inside), a fill texture and a sign."""

    region: Field
    texture: str  # "stripes", "mottle", "wavy", "grains", "veins" (see `fill`)
    sign: float  # +1 brighter than the substrate, -1 darker


def fill(kind: str, along: np.ndarray, across: np.ndarray, freq: np.ndarray, phase: np.ndarray) -> np.ndarray:
    """A motif's fill in [-1, 1]: `along`/`across` are the pattern coordinates turned to the class texture angle.

    stripes: the generic sinusoid; mottle: two crossed sinusoids (blotches); wavy: bands bent by a slow wave
    (foliation); grains: specks of crossed sinusoids; veins: thin bright lines. Each keeps the class's frequency and
    orientation, which is what tells classes sharing a motif apart."""
    w = 2 * np.pi * freq
    if kind == "mottle":
        return np.sin(w * along + phase) * np.sin(0.8 * w * across + 0.5 * phase)
    if kind == "wavy":
        return np.sin(w * (along + 0.18 * np.sin(2.4 * across + phase)) + phase)
    if kind == "grains":
        return 2.0 * np.maximum(np.sin(1.6 * w * along + phase) * np.sin(1.6 * w * across), 0.0) - 0.5
    if kind == "veins":
        return 2.0 * np.exp(-4.0 * np.sin(0.5 * w * along + phase) ** 2) - 1.0
    return np.sin(w * along + phase)


@dataclass(frozen=True)
class Drawer:
    """One domain family's subject: its substrate and the motif each class name maps to (`default` otherwise)."""

    substrate: Field
    classes: dict[str, str]
    default: str
    tilt: float = 90.0  # a motif's tilt is drawn in [-tilt, tilt] degrees (a core's features lie along it)
    scale: float = 1.0  # motif size over the generic silhouette's (a wafer map's patterns span the wafer)
    spread: float = 1.0  # the motif's shift over the image's jitter (a wound lies anywhere on the skin)
    scene: bool = True  # whether the style's scene layer lies over the substrate (skin has no tissue nuclei)
