"""The hidden rule of an image-to-image environment: how clean document pages look and how they get dirty.

A `PageRule` fixes the page geometry, the page layouts (letters, forms, tables, receipts) and the words printed on
them, and a degradation model with one calibrated knob, `severity` in [0, 1]: paper texture, uneven lighting, stains
and coffee rings, faded ink, blur, salt-and-pepper specks, sensor noise and JPEG-like blockiness all grow with it.
The clean targets carry a faint scan grain (`grain_sd`) the dirty page does not show, so no model — not even the
rule's own noise-free page — reaches an RMSE of 0.

Imports: pydantic only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["LAYOUTS", "PageRule"]

LAYOUTS = ("letter", "form", "table", "receipt")


class PageRule(BaseModel):
    """Clean page rendering and degradation of a document-denoising environment.

    Attributes:
        height, width: page size in pixels (every page of the environment has this size).
        layouts: the page layouts drawn from, with `layout_weights` their shares.
        words: the vocabulary printed on the pages.
        ink: grey level of the ink on the clean page (0 = black).
        font_size: font size in pixels of PIL's default font.
        severity: the difficulty knob every degradation below was scaled from (kept for the record).
        paper_range: (low, high) of the per-page paper brightness of the dirty scan.
        texture: amplitude of the low-frequency paper texture.
        lighting: maximum amplitude of the uneven-light gradient.
        stain_rate: expected stains per page (Poisson, at most 4); `stain_strength` their darkest share.
        ring_rate: probability that a page carries a coffee ring.
        fade: maximum share of the ink contrast lost to fading.
        blur: sd of the gaussian blur in pixels.
        speckle: share of pixels hit by salt-and-pepper noise.
        noise_sd: sd of the additive sensor noise.
        jpeg_quality: JPEG quality the scan passes through (lower = blockier); 100 = no JPEG pass.
        grain_sd: sd of the scan grain of the clean targets (irreducible).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["document_pages"] = "document_pages"
    height: int = Field(ge=32, le=512)
    width: int = Field(ge=32, le=512)
    layouts: tuple[Literal["letter", "form", "table", "receipt"], ...] = Field(min_length=1)
    layout_weights: tuple[float, ...]
    words: tuple[str, ...] = Field(min_length=8)
    ink: float = Field(ge=0.0, le=0.3)
    font_size: int = Field(ge=7, le=14)
    severity: float = Field(ge=0.0, le=1.0)
    paper_range: tuple[float, float]
    texture: float = Field(ge=0.0, le=0.3)
    lighting: float = Field(ge=0.0, le=0.4)
    stain_rate: float = Field(ge=0.0, le=4.0)
    stain_strength: float = Field(ge=0.0, le=0.7)
    ring_rate: float = Field(ge=0.0, le=1.0)
    fade: float = Field(ge=0.0, le=0.6)
    blur: float = Field(ge=0.0, le=1.5)
    speckle: float = Field(ge=0.0, le=0.1)
    noise_sd: float = Field(ge=0.0, le=0.15)
    jpeg_quality: int = Field(ge=20, le=100)
    grain_sd: float = Field(ge=0.0, le=0.1)

    @model_validator(mode="after")
    def _consistent(self) -> PageRule:
        if len(self.layout_weights) != len(self.layouts):
            raise ValueError(f"layout_weights needs {len(self.layouts)} entries, has {len(self.layout_weights)}")
        if min(self.layout_weights) <= 0 or abs(sum(self.layout_weights) - 1.0) > 1e-3:
            raise ValueError(f"layout_weights must be positive and sum to 1, got {self.layout_weights}")
        low, high = self.paper_range
        if not 0.3 <= low <= high <= 1.0:
            raise ValueError(f"paper_range must satisfy 0.3 <= low <= high <= 1, got {self.paper_range}")
        if len(set(self.layouts)) != len(self.layouts):
            raise ValueError(f"repeated layouts: {self.layouts}")
        return self
