"""Scenes behind an image environment's class pattern, so that image environments of different domains look apart.

A scene is a class-independent layer built from noise fields, blobs and curves: cells of a tissue section, a leaf
blade with its veins, aerial terrain with a track, a round disc with vessels (fundus, dermatoscope, wafer, plate), a
brushed or streaked surface, a panel grid, or a plain object's floor with a soft shadow. The domain's image subject
picks the style (`style_for`); the draft's rng picks its scale, strength and orientation (`draft_scene`). Per image,
`draw` renders the layer from the batch's own stream with its own nuisance (a rotation and scale of the scene, a
blur). The class cue is untouched: the synthesizer damps the layer under the class silhouette (`cover`) and adds the
pattern on top, so the same silhouette/texture contrast tells the classes apart as before, on a different ground.
Lesion-like blobs are kept out of graded (ordinal) tasks, whose label is a count of spots.

Imports: numpy and pydantic only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["STYLES", "SceneLayer", "SceneRule", "blur", "draft_scene", "draw", "style_for", "subject_style"]

Style = Literal["tissue", "leaf", "terrain", "disc", "streaks", "grid", "object"]
STYLES: tuple[str, ...] = ("tissue", "leaf", "terrain", "disc", "streaks", "grid", "object")

# words of a domain's image subject -> the scene it calls for (first match wins; others draw a style from the rng)
_KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("leaf", "plant", "crop"), "leaf"),
    (("microscope", "wound", "tissue", "cell ", "histolog"), "tissue"),
    (("dermatoscope", "fundus", "retina", "wafer", "borescope", "dish", "all-sky"), "disc"),
    (("drone", "aerial", "satellite", "camera-trap", "site-camera", "terrain"), "terrain"),
    (("steel", "surface", "drill-core", "blade", "fabric"), "streaks"),
    (("electroluminescence", "pv module", "panel", "document", "scan"), "grid"),
    (("product", "listing", "plain background"), "object"),
)


class SceneRule(BaseModel):
    """The scene of one environment (plain JSON, part of the hidden rule).

    Attributes:
        style: which scene.
        strength: amplitude of the scene layer, in image units (the class pattern's contrast is 0.3–0.8).
        feature_scale: size of the scene's features (cells, noise cells, vein spacing), as a share of the image.
        angle: the scene's main orientation in degrees (veins, streaks, grid), turned per image by `rotation_sd`.
        rotation_sd: sd of the per-image turn of the scene, in degrees.
        cover: share of the scene hidden under the class silhouette (the pattern is drawn over the ground).
        blur_max: largest per-image blur weight (a 3x3 binomial blur mixed in, uniform in [0, blur_max]).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    style: Style
    strength: float = Field(ge=0.0, le=0.3)
    feature_scale: float = Field(gt=0.05, le=0.6)
    angle: float = Field(ge=0.0, lt=180.0)
    rotation_sd: float = Field(ge=0.0, le=90.0)
    cover: float = Field(ge=0.0, le=1.0)
    blur_max: float = Field(ge=0.0, le=0.6)


@dataclass(frozen=True)
class SceneLayer:
    """One batch's scene: the layer (m, S, S), roughly zero-mean, and each image's blur weight (m,)."""

    field: np.ndarray
    blur: np.ndarray


def style_for(subject: str, rng: np.random.Generator, graded: bool = False) -> str:
    """The scene style a domain's image subject calls for (a graded task never gets cell blobs: its grade is a count
    of spots), else one drawn from `rng` (always one draw, so later draws do not depend on the subject)."""
    drawn = STYLES[int(rng.integers(len(STYLES)))]
    style = subject_style(subject) or drawn
    return "disc" if graded and style == "tissue" else style


def subject_style(subject: str) -> str | None:
    """The scene style a domain's image subject names by its words (`_KEYWORDS`, first match), or None."""
    text = subject.lower()
    return next((s for words, s in _KEYWORDS if any(w in text for w in words)), None)


def draft_scene(subject: str, rng: np.random.Generator, strength: float, graded: bool = False) -> SceneRule:
    """Draw an environment's scene: its style from the subject, its look from `rng`, its strength from the nuisance
    strength (0..1) of the draft.

    Args:
        subject: the domain's image subject ("a grayscale thumbnail of a close-up photograph of a crop leaf").
        rng: the draft's stream.
        strength: the draft's nuisance strength in [0, 1].
        graded: an ordinal task (no blob scenes).
    """
    style = style_for(subject, rng, graded)
    return SceneRule(
        style=style,  # type: ignore[arg-type]
        strength=round(float(rng.uniform(0.05, 0.08) + 0.02 * strength), 4),
        feature_scale=round(float(rng.uniform(0.12, 0.3)), 4),
        angle=round(float(rng.uniform(0.0, 180.0)), 2) % 180.0,
        rotation_sd=round(float(rng.uniform(5.0, 25.0)), 2),
        cover=round(float(rng.uniform(0.9, 1.0)), 4),
        blur_max=round(0.1 + 0.15 * float(strength), 4),
    )


def _value_noise(rng: np.random.Generator, m: int, size: int, cells: int) -> np.ndarray:
    """Smooth random fields (m, S, S), unit sd: a cells x cells grid of normals, bilinearly upsampled."""
    cells = max(2, cells)
    grid = rng.standard_normal((m, cells + 1, cells + 1)).astype(np.float32)
    pos = (np.arange(size) + 0.5) / size * cells
    low = np.minimum(pos.astype(int), cells - 1)
    frac = (pos - low).astype(np.float32)
    weights = np.zeros((size, cells + 1), dtype=np.float32)  # rows interpolate between two grid nodes
    weights[np.arange(size), low] = 1.0 - frac
    weights[np.arange(size), low + 1] = frac
    out = weights[None] @ grid @ weights.T[None]
    return out / (out.std(axis=(1, 2), keepdims=True) + 1e-6)


def _blobs(rng: np.random.Generator, x: np.ndarray, y: np.ndarray, count: int, radius: float) -> np.ndarray:
    """A sum of `count` round gaussian blobs per image at random places, radius varying +-30 %."""
    m = x.shape[0]
    cx, cy = rng.uniform(-1.1, 1.1, (2, m, count)).astype(np.float32)
    r = (radius * rng.uniform(0.7, 1.3, (m, count))).astype(np.float32)
    out = np.zeros_like(x)
    for b in range(count):
        d2 = (x - cx[:, b, None, None]) ** 2 + (y - cy[:, b, None, None]) ** 2
        out += np.exp(-d2 / (2.0 * r[:, b, None, None] ** 2))
    return out


def _curve(x: np.ndarray, y: np.ndarray, offset: np.ndarray, bend: np.ndarray, width: float) -> np.ndarray:
    """A soft line y = offset + bend * x^2 (per image), of half-width `width`."""
    return np.exp(-(((y - offset[:, None, None] - bend[:, None, None] * x**2) / width) ** 2))


def _style_field(style: str, rng: np.random.Generator, x: np.ndarray, y: np.ndarray, scale: float) -> np.ndarray:
    """The raw layer of a style on per-image rotated coordinates (x, y); any mean and amplitude."""
    m, size = x.shape[0], x.shape[1]
    r = np.hypot(x, y)
    if style == "tissue":  # nuclei (dark blobs) in a mottled stroma
        return 0.5 * _value_noise(rng, m, size, round(2.0 / scale)) - 1.6 * _blobs(rng, x, y, 14, 0.35 * scale)
    if style == "leaf":  # a bright blade, its midrib and side veins
        blade = np.clip(1.0 - (x / 1.3) ** 2 - (y / 0.8) ** 2, 0.0, 1.0) * 2.0
        veins = _curve(x, y, np.zeros(m), rng.uniform(-0.2, 0.2, m), 0.06)
        period = 2.0 * scale + 0.2
        side = np.exp(-((np.mod(x - 0.6 * np.abs(y) + 1.0, period) - period / 2) / 0.05) ** 2) * (np.abs(y) < 0.75)
        return blade + veins - 0.8 * side * blade
    if style == "terrain":  # fields of an aerial scene (two noise octaves) crossed by a track
        field = _value_noise(rng, m, size, round(1.5 / scale)) + 0.5 * _value_noise(rng, m, size, round(4.0 / scale))
        return field + 1.5 * _curve(x, y, rng.uniform(-0.7, 0.7, m), rng.uniform(-0.6, 0.6, m), 0.08)
    if style == "disc":  # a bright round field with a dark rim and vessels leaving one side
        disc = 2.0 / (1.0 + np.exp((r - 0.95) / 0.06)) - 1.0
        vessels = sum(_curve(x, y, rng.uniform(-0.6, 0.6, m), rng.uniform(-0.8, 0.8, m), 0.045) for _ in range(3))
        return disc - 0.9 * vessels * (disc > 0)
    if style == "streaks":  # brushed or layered surface: noise stretched along one axis
        stretched = _value_noise(rng, m, size, round(3.0 / scale))
        return np.sin(2 * np.pi * y / (scale + 0.1) + 1.5 * stretched) + 0.4 * stretched
    if style == "grid":  # panel cells or ruled lines, with uneven cell brightness
        period = scale + 0.25
        lines = np.exp(-(np.minimum(np.mod(x, period), period - np.mod(x, period)) / 0.04) ** 2)
        lines = np.maximum(lines, np.exp(-(np.minimum(np.mod(y, period), period - np.mod(y, period)) / 0.04) ** 2))
        return 0.6 * _value_noise(rng, m, size, round(1.0 / period)) - 1.5 * lines
    # object: a floor with a soft shadow under the object, fading to the edges
    shadow = np.exp(-(x**2 + (y - 0.25) ** 2) / 0.5)
    return -1.0 * shadow - 0.8 * r**2 + 0.2 * _value_noise(rng, m, size, 3)


def draw(scene: SceneRule, m: int, size: int, rng: np.random.Generator) -> SceneLayer:
    """Render the scene layer of a batch of `m` images of `size` pixels from the batch's own stream.

    Each image's scene is turned (`rotation_sd`) and scaled (log-sd 0.15) on its own, standardized per image (so a
    style's amplitude is `strength` whatever its raw range) and given a blur weight.

    Returns:
        SceneLayer: the zero-mean layer (float32, (m, S, S)) and the blur weights.
    """
    turn = np.deg2rad(scene.angle + rng.normal(0.0, scene.rotation_sd, m)).astype(np.float32)
    zoom = np.exp(rng.normal(0.0, 0.15, m)).astype(np.float32)
    blur_weight = rng.uniform(0.0, scene.blur_max, m).astype(np.float32)
    grid = ((np.arange(size) + 0.5) / size * 2.0 - 1.0).astype(np.float32)
    gx, gy = grid[None, None, :], grid[None, :, None]
    cos, sin = np.cos(turn)[:, None, None], np.sin(turn)[:, None, None]
    x = (gx * cos + gy * sin) / zoom[:, None, None]
    y = (gy * cos - gx * sin) / zoom[:, None, None]
    raw = _style_field(scene.style, rng, x, y, scene.feature_scale).astype(np.float32)
    raw = raw - raw.mean(axis=(1, 2), keepdims=True)
    raw = raw / (raw.std(axis=(1, 2), keepdims=True) + 1e-6)
    return SceneLayer(field=scene.strength * raw, blur=blur_weight)


def blur(images: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Mix each image (m, S, S) with its 3x3 binomial blur by its weight (0 = sharp)."""
    p = np.pad(images, ((0, 0), (1, 1), (1, 1)), mode="edge")
    rows = 0.25 * p[:, :, :-2] + 0.5 * p[:, :, 1:-1] + 0.25 * p[:, :, 2:]
    soft = 0.25 * rows[:, :-2] + 0.5 * rows[:, 1:-1] + 0.25 * rows[:, 2:]
    w = weight[:, None, None]
    return (1.0 - w) * images + w * soft
