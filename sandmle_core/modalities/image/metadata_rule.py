"""The hidden rule of an image + metadata task (siim-isic-melanoma-classification's shape): a rare positive class
told by a spot's look in the photograph AND by the record that comes with it.

Each row is one colour photograph of a spot (a lesion-like blob on a textured surface) and a metadata record: the
source it comes from (several images per source, as a patient has several moles), the source's age, the site the
spot sits on and the capture device. The positive label's log-odds add an image cue — how irregular the spot's
border is (`w_border`) and how much its colour varies inside (`w_colour`) — to metadata effects (age, site, device)
and a per-source random effect, then divide by `temperature`, the noise knob the drafter sets from the difficulty
and the verifier's repair moves. `intercept` makes the positives rare. Spot size and darkness, lighting, skin tone and
sensor noise are nuisance: they vary freely and carry no label. `diagnosis` and `outcome` columns are written to
train.csv only (they restate the label, as the seed's `diagnosis` and `benign_malignant` do) and must never reach
test.csv.

Imports: pydantic, and the renderer's default surface tone (numpy only).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sandmle_core.modalities.image.metadata_render import DEFAULT_SURFACE

__all__ = ["SpotRule"]


class SpotRule(BaseModel):
    """The label model and nuisance of an image + metadata task.

    Attributes:
        image_size: width = height of the square RGB JPEGs, in pixels.
        intercept: base log-odds of the positive class (negative: positives are rare).
        w_border: log-odds per standard deviation of border irregularity.
        w_colour: log-odds per standard deviation of colour variegation inside the spot.
        w_age: log-odds per standard deviation of the source's age.
        site_effects: log-odds of each site (the column's levels, in order).
        device_effect: log-odds of the second capture device against the first.
        sex_effect: log-odds of a male source against a female one (0 in specs drafted before the column existed).
        source_sd: sd of the per-source random effect (shared by a source's images).
        temperature: the noise knob: log-odds are divided by it before the label is drawn (1 = as written).
        images_per_source: (low, high) images one source contributes.
        missing_site: share of records whose site is missing.
        jpeg_quality: the JPEG quality the images are written at.
        surface: the RGB tone (0-1) of the surface the spots sit on, one per slot (`metadata.look`): with one
            tone for every slot, two environments of a seed were alike in image statistics and the second was always
            withheld. The spot's base pigment darkens with it, so a spot keeps its contrast on a dark surface.
        focus: the slot's focus blur in pixels (`metadata.look`; 0 = sharp, as every spec before 2026-12-07).
        finding: the positive class as the train-only `diagnosis` column names it ("vascular lesion"); the drafter
            sets it (it was parsed back out of the target's description).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    image_size: int = Field(default=48, ge=24, le=96)
    intercept: float = Field(ge=-6.0, le=0.0)
    w_border: float = Field(ge=0.0, le=4.0)
    w_colour: float = Field(ge=0.0, le=4.0)
    w_age: float = Field(ge=0.0, le=3.0)
    site_effects: tuple[float, ...] = Field(min_length=2, max_length=8)
    device_effect: float = Field(ge=-2.0, le=2.0)
    sex_effect: float = Field(default=0.0, ge=-2.0, le=2.0)
    source_sd: float = Field(ge=0.0, le=2.0)
    temperature: float = Field(gt=0.2, le=4.0)
    images_per_source: tuple[int, int] = (1, 4)
    missing_site: float = Field(default=0.05, ge=0.0, lt=0.5)
    jpeg_quality: int = Field(default=92, ge=50, le=100)
    surface: tuple[float, float, float] = DEFAULT_SURFACE
    focus: float = Field(default=0.0, ge=0.0, le=2.0)
    finding: str = Field(default="", max_length=80)

    @model_validator(mode="after")
    def _consistent(self) -> SpotRule:
        low, high = self.images_per_source
        if not 1 <= low <= high <= 10:
            raise ValueError(f"images_per_source must satisfy 1 <= low <= high <= 10, got {(low, high)}")
        if not all(0.2 <= v <= 0.95 for v in self.surface):
            raise ValueError(f"surface tone channels must lie in 0.2-0.95, got {self.surface}")
        return self
