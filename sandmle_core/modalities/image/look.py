"""A domain's photographic look: the tone curve and the grain of its images, so that domains sharing a scene style
still differ in pixel statistics.

Seven scene styles serve many domains (a wafer map, a dermatoscope and a fundus image all draw the `disc` scene),
and the scene layer is faint next to the class pattern, so two domains' images came out alike in their intensity
histogram and gradient spectrum (issue 16: the publish-time alike rule withheld 2 of 10 digits slots). A look is what
sets a camera or scanner apart from another: where its black sits (`ground`), how wide its tonal range is (`span`),
its tone curve (`gamma`: how far mid-tones are pressed), and how coarse its sensor noise is (`grain`: a share of the
pixel noise smoothed into blotches a few pixels wide). Its centre is drawn from a stream keyed by the domain alone,
so every environment of a domain shares it; each slot moves it a little from the draft rng, so two environments of
one domain (two seeds) are not copies either.

The curve is monotone increasing: what the subject calls bright stays brighter ("failing dies bright"), no class cue
is lost (only its contrast scales with `span`, and the pixel noise scales with it, so the signal-to-noise ratio is
the render's), and the image description stays true.

Imports: numpy, pydantic and `slots.stream` only.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from sandmle_core.slots import stream

__all__ = ["GAMMA_MAX", "GRAIN_MAX", "ImageLook", "domain_look", "draft_look"]

GRAIN_MAX = 0.35
"""Largest share of the pixel noise's variance that is smoothed into grain (a coarser grain, up to 0.75, masked the
class textures: on six hospital-triage detection slots the ladders' mean Kendall tau fell from 0.89 to 0.73)."""

GAMMA_MAX = 1.6
"""Largest tone-curve exponent. The curve never lifts the mid-tones (gamma >= 1): the class pattern is the bright part
of an image, and a lifting curve (0.72) pressed its texture's contrast (mean tau 0.78 against 0.91 at 1.3 on the
same six slots, grain 0.3 in both)."""


class ImageLook(BaseModel):
    """The tone curve and grain of an environment's images (plain JSON, part of the hidden rule).

    Attributes:
        ground: the level a black pixel of the render maps to.
        span: the tonal range: a white pixel maps to ground + span (at most 1).
        gamma: the tone curve's exponent (1 = linear; above 1 presses the mid-tones, spreading the highlights).
        grain: share of the pixel noise's variance that is smoothed (two passes of a 3x3 binomial blur).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    ground: float = Field(ge=0.0, le=0.45)
    span: float = Field(ge=0.5, le=1.0)
    gamma: float = Field(ge=1.0, le=GAMMA_MAX)
    grain: float = Field(ge=0.0, le=GRAIN_MAX)

    def tone(self, pixels: np.ndarray) -> np.ndarray:
        """The render's intensities (any range; clipped to [0, 1] first) through the tone curve."""
        return (self.ground + self.span * np.clip(pixels, 0.0, 1.0) ** self.gamma).astype(pixels.dtype)

    def grained(self, white: np.ndarray) -> np.ndarray:
        """Unit-sd pixel noise (m, S, S) with `grain` of its variance smoothed, back to unit sd per image."""
        if self.grain <= 0.0:
            return white
        soft = _smooth(_smooth(white))
        soft = soft / (soft.std(axis=(1, 2), keepdims=True) + 1e-6)
        mixed = np.sqrt(1.0 - self.grain) * white + np.sqrt(self.grain) * soft
        return mixed / (mixed.std(axis=(1, 2), keepdims=True) + 1e-6)


def _smooth(field: np.ndarray) -> np.ndarray:
    p = np.pad(field, ((0, 0), (1, 1), (1, 1)), mode="wrap")
    rows = 0.25 * p[:, :, :-2] + 0.5 * p[:, :, 1:-1] + 0.25 * p[:, :, 2:]
    return 0.25 * rows[:, :-2] + 0.5 * rows[:, 1:-1] + 0.25 * rows[:, 2:]


def domain_look(domain_key: str) -> ImageLook:
    """The centre of a domain's look, from a stream keyed by the domain's catalog key only (every build, seed and
    slot of the domain shares it)."""
    rng = stream(0, "image-look", domain_key)
    ground = float(rng.uniform(0.0, 0.38))
    span = float(min(rng.uniform(0.6, 0.95), 1.0 - ground))
    gamma = float(np.exp(rng.uniform(0.0, np.log(GAMMA_MAX))))
    return ImageLook(ground=round(ground, 4), span=round(span, 4), gamma=round(gamma, 4),
                     grain=round(float(rng.uniform(0.0, GRAIN_MAX)), 4))


def draft_look(domain_key: str, rng: np.random.Generator) -> ImageLook:
    """An environment's look: its domain's (`domain_look`), moved a little by the draft's stream (ground +-0.03,
    gamma x exp(+-0.08), grain +-0.05; the span keeps white at or below 1)."""
    centre = domain_look(domain_key)
    ground = float(np.clip(centre.ground + rng.uniform(-0.03, 0.03), 0.0, 0.45))
    span = min(centre.span, 1.0 - ground)
    gamma = float(np.clip(centre.gamma * np.exp(rng.uniform(-0.08, 0.08)), 1.0, GAMMA_MAX))
    grain = float(np.clip(centre.grain + rng.uniform(-0.05, 0.05), 0.0, GRAIN_MAX))
    return ImageLook(ground=round(ground, 4), span=round(max(0.5, span), 4), gamma=round(gamma, 4),
                     grain=round(grain, 4))
