"""The hidden rule of an image + feature-table many-class task (leaf-classification's shape): a species told by its
binary silhouette AND by a table of pre-extracted, noisy descriptors.

Each class is a pair (silhouette, texture). Classes come in pairs that share one silhouette (`class_silhouette`), and
each texture is shared by two classes of different silhouettes (`class_texture`), so that:

- the image shows the silhouette only: an image-only model can narrow a row down to the two classes of its outline;
- the table holds `margin` and `shape` descriptors computed from the rendered outline (a histogram of the edge's
  fine relief, the centroid-distance profile read from the image's own frame, so a turned leaf shifts it) plus
  noise, and `texture`, a histogram of the class's texture profile (`TextureProfile`) from a few sampled pixels —
  texture is not in the binary silhouette, as the seed's texture features came from the colour photograph it drops;
- together they name the class. `texture_draws` (fewer draws, a noisier histogram), `descriptor_points`,
  `descriptor_noise` and `shape_jitter` are the noise knobs the drafter sets from the difficulty.

Imports: pydantic only.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["HARMONICS", "Outline", "SilhouetteRule", "TextureProfile"]

HARMONICS = 6  # outline harmonics 2..7 of a silhouette's radius


class Outline(BaseModel):
    """One silhouette: a radius r(t) = 1 + sum_h amp_h cos(h t + phase_h), toothed along its margin.

    Attributes:
        amps, phases: the amplitudes and phases of harmonics 2..7 of the radius.
        aspect: length over width (the outline is stretched along its main axis).
        teeth: how many teeth the margin has (0 = entire, smooth).
        tooth_depth: the teeth's depth as a share of the radius.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    amps: tuple[float, ...] = Field(min_length=HARMONICS, max_length=HARMONICS)
    phases: tuple[float, ...] = Field(min_length=HARMONICS, max_length=HARMONICS)
    aspect: float = Field(ge=0.5, le=3.0)
    teeth: int = Field(ge=0, le=48)
    tooth_depth: float = Field(ge=0.0, le=0.3)


class TextureProfile(BaseModel):
    """A class's texture histogram shape over 64 bins: two bumps (centres in [0, 1], widths, the second's weight)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    centres: tuple[float, float]
    widths: tuple[float, float]
    second: float = Field(ge=0.0, le=1.0)


class SilhouetteRule(BaseModel):
    """The label model and nuisance of an image + feature-table many-class task.

    Attributes:
        image_size: width = height of the square grayscale JPEGs, in pixels.
        outlines: the silhouettes (about half as many as classes).
        textures: the texture profiles (one per silhouette).
        class_silhouette, class_texture: each class's silhouette and texture (no two classes share both).
        shape_jitter: per-image relative spread of the outline's harmonic amplitudes and tooth depth.
        rotation_sd: per-image turn of the silhouette, in degrees.
        scale_sd: per-image log-scale spread of the silhouette.
        descriptor_noise: sd of the multiplicative noise on the margin and shape descriptors.
        descriptor_points: outline points one margin or shape histogram is read from (fewer = noisier).
        texture_draws: pixels sampled into one texture histogram (fewer = noisier).
        jpeg_quality: the JPEG quality the images are written at.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    image_size: int = Field(default=64, ge=32, le=128)
    outlines: tuple[Outline, ...] = Field(min_length=2)
    textures: tuple[TextureProfile, ...] = Field(min_length=2)
    class_silhouette: tuple[int, ...] = Field(min_length=3)
    class_texture: tuple[int, ...] = Field(min_length=3)
    shape_jitter: float = Field(ge=0.0, le=0.6)
    rotation_sd: float = Field(ge=0.0, le=45.0)
    scale_sd: float = Field(ge=0.0, le=0.3)
    descriptor_noise: float = Field(ge=0.0, le=1.0)
    descriptor_points: int = Field(ge=8, le=720)
    texture_draws: int = Field(ge=8, le=2000)
    jpeg_quality: int = Field(default=90, ge=50, le=100)

    @model_validator(mode="after")
    def _consistent(self) -> SilhouetteRule:
        k = len(self.class_silhouette)
        if len(self.class_texture) != k:
            raise ValueError(f"class_texture needs {k} entries, has {len(self.class_texture)}")
        if max(self.class_silhouette) >= len(self.outlines) or max(self.class_texture) >= len(self.textures):
            raise ValueError("a class names a silhouette or texture the rule does not have")
        pairs = list(zip(self.class_silhouette, self.class_texture, strict=True))
        if len(set(pairs)) != k:
            raise ValueError("two classes share both their silhouette and their texture")
        return self
