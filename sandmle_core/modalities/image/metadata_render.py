"""Rendering the spot photographs of an image + metadata task: RGB lesion-like blobs on a textured skin-like surface.

`render_spots` draws a batch of images from two label-bearing latents per image — `border` (how irregular the
outline is: the amplitude of random harmonics of the radius) and `colour` (how much a second pigment mixes into the
spot, in patches) — and from nuisance that carries no label: surface tone and texture, spot size, darkness and
position, a lighting gradient, a few hair-like dark lines and sensor noise. Every draw comes from the generator it
is given, in a fixed order and fixed array shapes, so a batch's pixels depend only on its stream and its latents.

Imports: numpy only.
"""

from __future__ import annotations

import numpy as np

__all__ = ["render_spots"]

HARMONICS = np.arange(3, 9)  # outline harmonics: 3 = lobed, 8 = ragged
MAX_HAIRS = 3


def _outline(theta: np.ndarray, border: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The outline radius factor r(theta) of each image (m, S, S): 1 + amplitude * a sum of random harmonics; the
    amplitude grows with the border latent, so a high latent gives a ragged, asymmetric spot."""
    m = len(border)
    coef = rng.normal(0.0, 1.0, (m, len(HARMONICS))) / np.sqrt(len(HARMONICS))
    phase = rng.uniform(0.0, 2 * np.pi, (m, len(HARMONICS)))
    amplitude = np.clip(0.13 * np.exp(0.6 * border), 0.02, 0.45)
    wobble = np.zeros_like(theta)
    for j, k in enumerate(HARMONICS):
        wobble += coef[:, j, None, None] * np.cos(k * theta + phase[:, j, None, None])
    return 1.0 + amplitude[:, None, None] * wobble


def _patches(gx: np.ndarray, gy: np.ndarray, cx: np.ndarray, cy: np.ndarray, radius: np.ndarray,
             rng: np.random.Generator) -> np.ndarray:
    """A smooth field in [0, 1] of three pigment patches inside each spot (m, S, S)."""
    m = len(cx)
    field = np.zeros((m, gx.shape[-1], gx.shape[-1]))
    for _ in range(3):
        px = cx + radius * rng.uniform(-0.6, 0.6, m)
        py = cy + radius * rng.uniform(-0.6, 0.6, m)
        pr = radius * rng.uniform(0.15, 0.3, m)
        field += np.exp(-((gx - px[:, None, None]) ** 2 + (gy - py[:, None, None]) ** 2) / (2 * pr[:, None, None] ** 2))
    return np.clip(field, 0.0, 1.0)


DEFAULT_SURFACE = (0.80, 0.64, 0.55)  # the tone every slot used before 2026-12-05 (`metadata.look` since 2026-12-07)


def _soften(img: np.ndarray, sigma: float) -> np.ndarray:
    """A Gaussian blur of `sigma` pixels over each image's two spatial axes (edges extended): the camera's focus."""
    r = int(np.ceil(3 * sigma))
    k = np.exp(-np.arange(-r, r + 1) ** 2 / (2 * sigma**2))
    k /= k.sum()
    pad = np.pad(img, ((0, 0), (r, r), (r, r), (0, 0)), mode="edge")
    rows = sum(w * pad[:, i:i + img.shape[1], :, :] for i, w in enumerate(k))
    return sum(w * rows[:, :, i:i + img.shape[2], :] for i, w in enumerate(k))


def render_spots(border: np.ndarray, colour: np.ndarray, size: int, rng: np.random.Generator,
                 surface: tuple[float, float, float] = DEFAULT_SURFACE, focus: float = 0.0) -> np.ndarray:
    """Render one RGB spot image per latent pair as uint8 (m, size, size, 3).

    Args:
        border: each image's border-irregularity latent (standard normal scale).
        colour: each image's colour-variegation latent (standard normal scale).
        size: image width = height in pixels.
        rng: the batch's stream.
        surface: the slot's surface tone (RGB, 0-1); the base pigment scales with its brightness.
        focus: the slot's focus blur, in pixels (0 = sharp); applied before the sensor noise.
    """
    m = len(border)
    grid = (np.arange(size) + 0.5) / size * 2.0 - 1.0
    gx, gy = grid[None, None, :], grid[None, :, None]
    tone = np.array(surface) * rng.uniform(0.8, 1.1, (m, 1))  # surface colour (nuisance around the slot's tone)
    relative = float(np.mean(surface)) / float(np.mean(DEFAULT_SURFACE))  # a darker surface, a darker spot
    cx, cy = rng.uniform(-0.15, 0.15, m), rng.uniform(-0.15, 0.15, m)
    radius = np.clip(0.42 * np.exp(rng.normal(0.0, 0.18, m)), 0.25, 0.65)
    dark = rng.uniform(0.35, 0.6, m)  # how dark the spot's base pigment is (nuisance)
    dx, dy = gx - cx[:, None, None], gy - cy[:, None, None]
    rho, theta = np.hypot(dx, dy), np.arctan2(dy, dx)
    edge = radius[:, None, None] * _outline(theta, border, rng)
    mask = np.clip(0.5 - (rho - edge) / (3.0 / size), 0.0, 1.0)
    mix = 0.9 / (1.0 + np.exp(-1.8 * colour))  # share of the second pigment in its patches
    patches = _patches(gx, gy, cx, cy, radius, rng) * mix[:, None, None]
    second = np.where(rng.random(m) < 0.5, 0, 1)  # blue-black or red-brown second pigment
    pigments = np.array([[0.55, 0.35, 0.25], [0.18, 0.16, 0.28], [0.62, 0.22, 0.2]])
    base = pigments[0][None, :] * (dark / 0.45)[:, None] * relative
    other = pigments[1 + second]
    spot = base[:, None, None, :] * (1 - patches[..., None]) + other[:, None, None, :] * patches[..., None]
    freq, ang = rng.uniform(3.0, 7.0, m), rng.uniform(0.0, np.pi, m)
    texture = 1.0 + 0.03 * np.sin(freq[:, None, None] * np.pi * (gx * np.cos(ang)[:, None, None]
                                                                    + gy * np.sin(ang)[:, None, None]))
    img = tone[:, None, None, :] * texture[..., None] * (1 - mask[..., None]) + spot * mask[..., None]
    light, light_angle = rng.uniform(0.0, 0.12, m), rng.uniform(0.0, 2 * np.pi, m)
    cos, sin = np.cos(light_angle)[:, None, None], np.sin(light_angle)[:, None, None]
    gradient = light[:, None, None] * (gx * cos + gy * sin)
    img = img * (1.0 + gradient[..., None])
    hairs = np.minimum(rng.poisson(0.8, m), MAX_HAIRS)
    for h in range(MAX_HAIRS):  # thin dark lines crossing the frame: occlusion with no label
        a, off = rng.uniform(0.0, np.pi, m), rng.uniform(-0.8, 0.8, m)
        dist = np.abs(gx * np.sin(a)[:, None, None] - gy * np.cos(a)[:, None, None] - off[:, None, None])
        line = (h < hairs)[:, None, None] * np.clip(1.0 - dist / (1.2 / size), 0.0, 1.0) * 0.5
        img = img * (1.0 - line[..., None]) + 0.2 * line[..., None]
    img = _soften(img, focus) if focus > 0 else img
    img = img + rng.normal(0.0, 1.0, img.shape) * rng.uniform(0.01, 0.03, m)[:, None, None, None]
    return np.round(np.clip(img, 0.0, 1.0) * 255.0).astype(np.uint8)
