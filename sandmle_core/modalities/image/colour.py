"""Colour for an image environment whose seed ships colour photos, without moving the class signal.

A colour environment renders the same grayscale image as a grayscale one and then gives it chroma: `colourize` adds
to every pixel a colour offset orthogonal to the luminance weights (L = 0.299 R + 0.587 G + 0.114 B, what Pillow's
`convert("L")` computes), so the luminance a ladder reads is today's grayscale value (exactly, but for pixels pinned
at 0 or 255). The offset comes from the environment's palette (`ColourRule`: three colours for shadows, mid-tones and
highlights, chosen by the domain's image subject or scene — leaf greens, skin browns, H&E pinks and purples, soil,
tinted metal greys, ...), read at the pixel's own grey level, so colour follows the picture. Per image, a
white-balance tint and a saturation change are drawn from the batch's own stream; the image's mean colour is then
set to half the palette's mid-tone plus that tint, whatever the image shows. Chroma is thus a function of the
grayscale image and of label-free draws only, and an image's mean colour carries no label.

Imports: numpy and pydantic only.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["PALETTES", "ColourRule", "colour_subject", "colourize", "draft_colour", "luminance", "palette_for"]

Palette = Literal["leaf", "skin", "stain", "specimen", "fundus", "food", "sky", "silicon", "metal", "rock", "soil",
                  "studio"]

# shadow, mid-tone and highlight colours of each palette (RGB 0-255); only their chroma is used
PALETTES: dict[str, tuple[tuple[int, int, int], ...]] = {
    "leaf": ((25, 60, 20), (90, 145, 45), (205, 215, 110)),  # leaf greens, yellowing in the light
    "skin": ((80, 40, 30), (180, 115, 90), (240, 200, 175)),  # skin and lesion browns
    "stain": ((80, 35, 125), (205, 110, 175), (250, 215, 235)),  # H&E: haematoxylin purple, eosin pink
    "specimen": ((65, 40, 20), (165, 120, 60), (235, 225, 190)),  # an amber specimen on a pale slide
    "fundus": ((75, 15, 5), (205, 80, 30), (250, 190, 95)),  # retina orange-red, a yellow disc
    "food": ((80, 35, 15), (195, 125, 60), (245, 225, 180)),  # browned, golden, cream
    "sky": ((15, 20, 55), (90, 115, 170), (235, 230, 205)),  # night blue to pale cloud
    "silicon": ((20, 25, 75), (60, 85, 150), (195, 205, 235)),  # wafer and PV-cell blues
    "metal": ((40, 48, 62), (125, 130, 142), (222, 218, 208)),  # greys, cool in shadow and warm in the light
    "rock": ((55, 50, 42), (135, 118, 98), (210, 198, 180)),  # drill-core greys and browns
    "soil": ((50, 48, 28), (145, 118, 75), (220, 205, 165)),  # olive ground, soil, sand
    "studio": ((55, 50, 58), (150, 140, 130), (240, 235, 226)),  # a plain backdrop under warm light
}

# words of a domain's image subject -> its palette (first match wins; else the scene style's palette)
_KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("leaf", "plant", "crop"), "leaf"),
    (("dermatoscope", "skin", "wound"), "skin"),
    (("histolog", "tissue", "h&e", "lymph"), "stain"),
    (("microscope",), "specimen"),
    (("fundus", "retina"), "fundus"),
    (("dish", "food", "menu"), "food"),
    (("all-sky", "sky"), "sky"),
    (("wafer", "electroluminescence", "pv module", "solar"), "silicon"),
    (("steel", "metal", "borescope", "blade", "vehicle panel"), "metal"),
    (("drill-core", "rock"), "rock"),
    (("drone", "aerial", "satellite", "camera-trap", "site-camera", "terrain"), "soil"),
    (("product", "listing", "plain background"), "studio"),
)
_BY_SCENE = {"tissue": "stain", "leaf": "leaf", "terrain": "soil", "disc": "fundus", "streaks": "metal",
             "grid": "silicon", "object": "studio"}

LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)
HEADROOM = 48.0  # grey levels from black or white below which a pixel's chroma fades out (it has no room there)
MEAN_SHARE = 0.5  # an image's mean chroma is this share of the mid-tone's: small enough for a dark image to reach


class ColourRule(BaseModel):
    """The colour of one environment (plain JSON, part of the hidden rule).

    Attributes:
        palette: the palette family the colours come from.
        stops: shadow, mid-tone and highlight colours (RGB 0-255) at grey levels 0, 0.5 and 1; only their chroma is
            used, the luminance stays the grayscale render's.
        saturation: scale of the palette's chroma.
        tint_sd: sd of the per-image white-balance tint, in grey levels per channel (luminance-neutral).
        saturation_sd: sd of the per-image log saturation.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    palette: Palette
    stops: tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]
    saturation: float = Field(gt=0.0, le=1.5)
    tint_sd: float = Field(ge=0.0, le=20.0)
    saturation_sd: float = Field(ge=0.0, le=0.5)


def palette_for(subject: str, scene_style: str | None) -> str:
    """The palette a domain's image subject calls for, else its scene style's (the studio palette without one)."""
    text = subject.lower()
    by_words = next((p for words, p in _KEYWORDS if any(w in text for w in words)), None)
    return by_words or _BY_SCENE.get(scene_style or "", "studio")


def draft_colour(subject: str, scene_style: str | None, rng: np.random.Generator) -> ColourRule:
    """Draw an environment's colour: the palette from the subject or scene, each stop shifted a little (sd 4 levels
    per channel: at sd 10 a grey metal palette turned green), its saturation and the per-image tint strength from
    `rng`."""
    palette = palette_for(subject, scene_style)
    stops = tuple(tuple(int(v) for v in np.clip(np.round(np.array(stop) + rng.normal(0.0, 4.0, 3)), 0, 255))
                  for stop in PALETTES[palette])
    return ColourRule(palette=palette, stops=stops,  # type: ignore[arg-type]
                      saturation=round(float(rng.uniform(0.75, 1.05)), 4),
                      tint_sd=round(float(rng.uniform(2.0, 4.0)), 4),
                      saturation_sd=round(float(rng.uniform(0.1, 0.2)), 4))


def colour_subject(subject: str, colour: bool) -> str:
    """A catalog image subject as it reads for this environment: "a grayscale thumbnail of ..." becomes "a colour
    thumbnail of ..." when the images are in colour (the catalog's subjects describe the grayscale images)."""
    return subject.replace("grayscale", "colour") if colour else subject


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Pillow's `convert("L")` of uint8 RGB (..., 3), in integers (its exact fixed-point formula)."""
    v = rgb.astype(np.int64)
    return (v[..., 0] * 19595 + v[..., 1] * 38470 + v[..., 2] * 7471 + 0x8000) >> 16


def _chroma(colours: np.ndarray) -> np.ndarray:
    """Colours (..., 3) minus their luminance: the part that convert("L") does not see."""
    return colours - (colours @ LUMA)[..., None]


def _fit_gamut(grey: np.ndarray, chroma: np.ndarray) -> np.ndarray:
    """Shrink each pixel's chroma (never turn it) until grey + chroma lies in [0, 255] on every channel."""
    room = np.where(chroma > 0, (255.0 - grey)[..., None], grey[..., None])
    need = np.abs(chroma)
    scale = np.min(np.where(need > 1e-6, room / np.maximum(need, 1e-6), np.inf), axis=-1)
    return chroma * np.clip(scale, 0.0, 1.0)[..., None]


def colourize(grey: np.ndarray, rule: ColourRule, rng: np.random.Generator) -> np.ndarray:
    """Colour a batch of grayscale images (uint8 (m, S, S)) as uint8 RGB (m, S, S, 3) of the same luminance.

    A pixel's chroma is the palette's, read at its grey level and faded near black and white (`HEADROOM`), scaled by
    the image's saturation; an offset spread over the pixels in proportion to their room then sets the image's mean
    chroma to half the mid-tone's plus the image's tint (three passes, each kept inside the RGB cube). After rounding, a
    pixel whose luminance is off by one level is moved along the grey axis, which changes no chroma.
    """
    m = grey.shape[0]
    saturation = np.exp(rng.normal(0.0, rule.saturation_sd, m)).astype(np.float32)
    tint = rng.normal(0.0, rule.tint_sd, (m, 3)).astype(np.float32)
    g = grey.astype(np.float32)
    stops = _chroma(np.array(rule.stops, dtype=np.float32)) * rule.saturation  # (3, 3)
    level = g / 255.0
    low = (level < 0.5)[..., None]
    t = np.where(low, level[..., None] * 2.0, level[..., None] * 2.0 - 1.0)
    palette = np.where(low, stops[0] + t * (stops[1] - stops[0]), stops[1] + t * (stops[2] - stops[1]))
    room = np.clip(np.minimum(g, 255.0 - g) / HEADROOM, 0.0, 1.0)[..., None]
    chroma = _fit_gamut(g, palette * room * saturation[:, None, None, None])
    target = (MEAN_SHARE * stops[1] + _chroma(tint))[:, None, None, :]  # each image's mean chroma
    share = room / np.maximum(room.mean(axis=(1, 2), keepdims=True), 1e-3)
    for _ in range(3):  # the later passes put back what fitting the gamut took off
        offset = target - chroma.mean(axis=(1, 2), keepdims=True)
        chroma = _fit_gamut(g, chroma + offset * share)
    rgb = np.clip(np.round(g[..., None] + chroma), 0, 255)
    rgb = np.clip(rgb + (grey.astype(np.int64) - luminance(rgb.astype(np.uint8)))[..., None], 0, 255)
    return rgb.astype(np.uint8)
