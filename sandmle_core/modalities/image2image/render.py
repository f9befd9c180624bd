"""Rendering document pages and dirtying them: the pixels of an image-to-image environment.

`clean_page` draws one page of a layout (a letter, a form, a table, a receipt) with Pillow's own default font (shipped
inside Pillow, so no system font is assumed) and returns its grey levels in [0, 1] (1 = white paper). `dirty_page`
applies the rule's degradation model to it — paper texture, uneven light, stains, a coffee ring, faded ink, blur,
sensor noise, salt-and-pepper specks and a JPEG pass — and returns the 8-bit scan. Every random number comes from
the page's own generator, so a page does not depend on how many pages are rendered with it.

Imports: numpy, scipy.ndimage, Pillow and the rule model.
"""

from __future__ import annotations

import functools
import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

from sandmle_core.modalities.image2image.rule import PageRule

__all__ = ["clean_page", "dirty_page", "target_page"]

MAX_STAINS = 4


@functools.cache
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """Pillow's embedded default font at `size` pixels (the bitmap font on Pillow < 10.1, which has one size)."""
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow 10.0: no size argument
        return ImageFont.load_default()


def _words(rng: np.random.Generator, rule: PageRule, n: int) -> str:
    picked = [rule.words[int(i)] for i in rng.integers(0, len(rule.words), n)]
    return " ".join(picked)


def _number(rng: np.random.Generator) -> str:
    return f"{rng.integers(1, 999)}.{rng.integers(0, 100):02d}"


def _letter(draw: ImageDraw.ImageDraw, rule: PageRule, rng: np.random.Generator, font) -> None:
    step = rule.font_size + int(rng.integers(1, 4))
    margin = int(rng.integers(2, 6))
    y = int(rng.integers(1, 4))
    title = _words(rng, rule, 2).upper()
    draw.text((margin, y), title, fill=0, font=font)
    draw.text((margin + 1, y), title, fill=0, font=font)  # bold heading: the same text one pixel over
    y += step + 2
    while y + rule.font_size < rule.height:
        indent = margin + (int(rng.integers(4, 10)) if rng.random() < 0.2 else 0)
        draw.text((indent, y), _words(rng, rule, int(rng.integers(3, 9))), fill=0, font=font)
        y += step


def _form(draw: ImageDraw.ImageDraw, rule: PageRule, rng: np.random.Generator, font) -> None:
    step = rule.font_size + int(rng.integers(4, 8))
    y = int(rng.integers(1, 4))
    draw.rectangle((0, 0, rule.width - 1, rule.height - 1), outline=0)
    while y + rule.font_size + 2 < rule.height:
        label = rule.words[int(rng.integers(0, len(rule.words)))] + ":"
        draw.text((3, y), label, fill=0, font=font)
        left = 3 + int(draw.textlength(label, font=font)) + 3
        line_y = y + rule.font_size
        if rng.random() < 0.3:
            draw.rectangle((left, y + 2, left + rule.font_size - 2, line_y), outline=0)  # a check box
            if rng.random() < 0.5:
                draw.line((left, y + 2, left + rule.font_size - 2, line_y), fill=0)
        else:
            draw.line((left, line_y, rule.width - 4, line_y), fill=0)
            if rng.random() < 0.6:  # a filled-in answer on the rule
                draw.text((left + 2, y - 1), _words(rng, rule, int(rng.integers(1, 3))), fill=0, font=font)
        y += step


def _table(draw: ImageDraw.ImageDraw, rule: PageRule, rng: np.random.Generator, font) -> None:
    rows = max(2, rule.height // (rule.font_size + 5))
    cols = max(2, min(int(rng.integers(2, 4)), rule.width // 36))
    h, w = (rule.height - 2) / rows, (rule.width - 2) / cols
    for r in range(rows + 1):
        draw.line((1, round(1 + r * h), rule.width - 2, round(1 + r * h)), fill=0)
    for c in range(cols + 1):
        draw.line((round(1 + c * w), 1, round(1 + c * w), rule.height - 2), fill=0)
    for r in range(rows):
        for c in range(cols):
            text = _number(rng) if c else rule.words[int(rng.integers(0, len(rule.words)))]
            draw.text((round(3 + c * w), round(2 + r * h)), text, fill=0, font=font)


def _receipt(draw: ImageDraw.ImageDraw, rule: PageRule, rng: np.random.Generator, font) -> None:
    step = rule.font_size + 2
    y = int(rng.integers(1, 3))
    for x in range(2, rule.width - 2, 4):
        draw.line((x, y, x + 1, y), fill=0)
    y += 3
    while y + rule.font_size < rule.height - 3:
        item, price = rule.words[int(rng.integers(0, len(rule.words)))], _number(rng)
        draw.text((3, y), item, fill=0, font=font)
        draw.text((rule.width - 3 - int(draw.textlength(price, font=font)), y), price, fill=0, font=font)
        y += step
    for x in range(2, rule.width - 2, 4):
        draw.line((x, rule.height - 2, x + 1, rule.height - 2), fill=0)


_LAYOUT = {"letter": _letter, "form": _form, "table": _table, "receipt": _receipt}


def clean_page(rule: PageRule, layout: str, rng: np.random.Generator) -> np.ndarray:
    """The clean page of `layout` as float32 (height, width) in [0, 1], ink at `rule.ink`, paper at 1."""
    image = Image.new("L", (rule.width, rule.height), 255)
    _LAYOUT[layout](ImageDraw.Draw(image), rule, rng, _font(rule.font_size))
    coverage = 1.0 - np.asarray(image, dtype=np.float32) / 255.0  # anti-aliased glyph edges are partial ink
    return 1.0 - coverage * (1.0 - rule.ink)


def target_page(clean: np.ndarray, rule: PageRule, rng: np.random.Generator) -> np.ndarray:
    """The published clean target: the page plus the scan grain no model can know, as uint8."""
    grain = rng.standard_normal(clean.shape).astype(np.float32) * rule.grain_sd
    return np.round(np.clip(clean + grain, 0.0, 1.0) * 255.0).astype(np.uint8)


def _smooth_field(shape: tuple[int, int], sigma: float, rng: np.random.Generator) -> np.ndarray:
    field = ndimage.gaussian_filter(rng.standard_normal(shape).astype(np.float32), sigma, mode="wrap")
    span = float(field.max() - field.min()) or 1.0
    return (field - field.min()) / span


def _background(rule: PageRule, rng: np.random.Generator) -> np.ndarray:
    """The dirty paper: brightness, texture, uneven light, stains and a coffee ring (multiplicative)."""
    h, w = rule.height, rule.width
    gy, gx = np.mgrid[0:h, 0:w].astype(np.float32)
    gy, gx = gy / h - 0.5, gx / w - 0.5
    bg = np.full((h, w), rng.uniform(*rule.paper_range), dtype=np.float32)
    bg *= 1.0 - rule.texture * _smooth_field((h, w), rng.uniform(1.5, 4.0), rng)
    angle = rng.uniform(0.0, 2 * np.pi)
    bg *= 1.0 - rule.lighting * rng.uniform(0.3, 1.0) * (0.5 + gx * np.cos(angle) + gy * np.sin(angle))
    for _ in range(min(MAX_STAINS, int(rng.poisson(rule.stain_rate)))):
        cy, cx, r = rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5), rng.uniform(0.08, 0.3)
        blob = np.exp(-((gx - cx) ** 2 + (gy - cy) ** 2) / (2 * r * r))
        bg *= 1.0 - rule.stain_strength * rng.uniform(0.4, 1.0) * blob
    if rng.random() < rule.ring_rate:
        cy, cx, r = rng.uniform(-0.4, 0.4), rng.uniform(-0.4, 0.4), rng.uniform(0.15, 0.35)
        ring = np.exp(-((np.hypot(gx - cx, gy - cy) - r) ** 2) / (2 * 0.02**2))
        bg *= 1.0 - rule.stain_strength * rng.uniform(0.5, 1.0) * ring
    return bg


def dirty_page(clean: np.ndarray, rule: PageRule, rng: np.random.Generator) -> np.ndarray:
    """The scan of a clean page under the rule's degradation model, as uint8 (height, width)."""
    ink = (1.0 - clean) / (1.0 - rule.ink)  # ink coverage in [0, 1]
    bg = _background(rule, rng)
    ink_level = rule.ink + rule.fade * rng.uniform(0.0, 1.0) * 0.8  # faded ink is lighter
    img = bg - ink * (bg - ink_level)
    sigma = rule.blur * rng.uniform(0.5, 1.0)
    if sigma > 0.05:
        img = ndimage.gaussian_filter(img, sigma, mode="nearest")
    img = img + rng.standard_normal(img.shape).astype(np.float32) * rule.noise_sd
    hits = rng.random(img.shape) < rule.speckle
    img = np.where(hits, (rng.random(img.shape) < 0.5).astype(np.float32), img)
    scan = np.round(np.clip(img, 0.0, 1.0) * 255.0).astype(np.uint8)
    if rule.jpeg_quality < 100:
        buffer = io.BytesIO()
        Image.fromarray(scan).save(buffer, format="JPEG", quality=rule.jpeg_quality)
        with Image.open(io.BytesIO(buffer.getvalue())) as decoded:
            scan = np.asarray(decoded.convert("L"), dtype=np.uint8)
    return scan
