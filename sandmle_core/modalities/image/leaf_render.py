"""Rendering the silhouettes of an image + feature-table task and extracting their table descriptors.

`render_batch` draws one binary silhouette per row (white on black, as the seed's leaf images) from its class's
outline (`leaf_rule.Outline`) under per-image nuisance — harmonic and tooth jitter, a turn, a scale and a shift — and
returns, with the pixels, the three 64-value descriptor blocks of the row's table:

- `margin`: a histogram of the outline's fine relief (the radius less its moving average, over its mean): toothed
  margins spread it, entire ones do not;
- `shape`: a histogram of the outline's centroid distances (over its mean, 0.35 to 1.65): how round or drawn-out
  the outline is, but not where its lobes sit;

both read at `descriptor_points` random outline points, with multiplicative noise;
- `texture`: a histogram of `texture_draws` values sampled from the class's texture profile (not in the image).

Each block sums to 1, as a histogram does. Every draw comes from the generator given, in a fixed order and fixed
array shapes, so a batch depends only on its stream and its classes.

Imports: numpy and Pillow.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from sandmle_core.modalities.image.leaf_rule import HARMONICS, SilhouetteRule, TextureProfile

__all__ = ["BINS", "render_batch", "texture_profile"]

BINS = 64
POINTS = 720  # outline samples
_T = np.linspace(0.0, 2 * np.pi, POINTS, endpoint=False)
_H = np.arange(2, 2 + HARMONICS)
SUPERSAMPLE = 3
SMOOTH = 12  # half-window (outline samples) of the moving average the margin's fine relief is measured against


def texture_profile(profile: TextureProfile) -> np.ndarray:
    """The 64-bin probabilities of a texture profile: two bumps over a small floor."""
    x = (np.arange(BINS) + 0.5) / BINS
    p = 0.02 + np.exp(-0.5 * ((x - profile.centres[0]) / profile.widths[0]) ** 2)
    p = p + profile.second * np.exp(-0.5 * ((x - profile.centres[1]) / profile.widths[1]) ** 2)
    return p / p.sum()


def _radius(rule: SilhouetteRule, sil: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """One image's jittered outline radius r(t) over `_T`, and its aspect."""
    o = rule.outlines[sil]
    j = rule.shape_jitter
    amps = np.asarray(o.amps) * np.exp(rng.normal(0.0, j, HARMONICS))
    phases = np.asarray(o.phases) + rng.normal(0.0, 0.25 * j, HARMONICS)
    depth = o.tooth_depth * float(np.exp(rng.normal(0.0, j)))
    aspect = o.aspect * float(np.exp(rng.normal(0.0, 0.4 * j)))
    r = 1.0 + (amps[:, None] * np.cos(_H[:, None] * _T[None, :] + phases[:, None])).sum(0)
    r = np.maximum(r, 0.3)
    if o.teeth:
        r = r * (1.0 - depth * ((o.teeth * _T / (2 * np.pi)) % 1.0))
    return r, aspect


def _features(r: np.ndarray, xs: np.ndarray, ys: np.ndarray, rule: SilhouetteRule, texture: np.ndarray,
              rng: np.random.Generator) -> np.ndarray:
    """The 192 descriptors of one silhouette: margin, shape and texture blocks (64 each, each summing to 1)."""
    smooth = np.convolve(np.r_[r[-SMOOTH:], r, r[:SMOOTH]], np.ones(2 * SMOOTH + 1) / (2 * SMOOTH + 1), "valid")
    cx, cy = xs.mean(), ys.mean()
    reach = np.hypot(xs - cx, ys - cy)
    picked = rng.integers(0, POINTS, (2, rule.descriptor_points))  # the few outline points a descriptor reads
    relief = np.histogram(((r - smooth) / r.mean())[picked[0]], bins=BINS, range=(-0.08, 0.08))[0] + 0.5
    margin = relief * np.exp(rng.normal(0.0, rule.descriptor_noise, BINS))
    hist = np.histogram((reach / reach.mean())[picked[1]], bins=BINS, range=(0.35, 1.65))[0] + 0.5
    shape = hist * np.exp(rng.normal(0.0, rule.descriptor_noise, BINS))
    counts = rng.multinomial(rule.texture_draws, texture)
    blocks = [margin / margin.sum(), shape / shape.sum(), counts / rule.texture_draws]
    return np.concatenate(blocks)


def render_batch(rule: SilhouetteRule, classes: np.ndarray,
                 rng: np.random.Generator) -> tuple[list[np.ndarray], np.ndarray]:
    """Render one silhouette per class index and compute its descriptors.

    Args:
        rule: the hidden rule.
        classes: each row's true class index.
        rng: the batch's stream.

    Returns:
        (uint8 images of shape (size, size), values 0 or 255; a (rows, 192) array of descriptors).
    """
    size = rule.image_size
    big = size * SUPERSAMPLE
    textures = [texture_profile(t) for t in rule.textures]
    images, rows = [], []
    for c in classes:
        r, aspect = _radius(rule, rule.class_silhouette[int(c)], rng)
        turn = np.deg2rad(90.0 + rng.normal(0.0, rule.rotation_sd))  # upright, give or take a turn
        scale = 0.42 * big * float(np.clip(np.exp(rng.normal(0.0, rule.scale_sd)), 0.7, 1.12))
        shift = rng.normal(0.0, 0.02 * big, 2)
        u, v = r * np.cos(_T) * np.sqrt(aspect), r * np.sin(_T) / np.sqrt(aspect)
        reach = np.hypot(u, v).max()
        xs = big / 2 + shift[0] + scale / reach * (u * np.cos(turn) - v * np.sin(turn))
        ys = big / 2 + shift[1] - scale / reach * (u * np.sin(turn) + v * np.cos(turn))
        canvas = Image.new("L", (big, big), 0)
        ImageDraw.Draw(canvas).polygon(list(zip(xs.round(2).tolist(), ys.round(2).tolist(), strict=True)), fill=255)
        small = np.asarray(canvas.resize((size, size), Image.BILINEAR))
        images.append(np.where(small >= 128, 255, 0).astype(np.uint8))
        rows.append(_features(r, xs / SUPERSAMPLE, ys / SUPERSAMPLE, rule,
                              textures[rule.class_texture[int(c)]], rng))
    return images, np.asarray(rows)
