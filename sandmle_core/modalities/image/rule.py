"""The hidden rule of an image environment: one procedural pattern per class, drawn under per-image nuisance.

A class is a silhouette (`shape`, at a class size, aspect and tilt) filled with a sinusoidal texture (a class
frequency and orientation, a random phase per image). Each image then moves the pattern around (position jitter,
scale, rotation), relights it (background level, contrast, an illumination gradient), and corrupts it (gaussian
noise, occluding blotches); the strength of each nuisance is a rule field set from the difficulty. Classes may share
a silhouette and differ only in their texture, which pixel templates cannot see but orientation histograms can.
Optional metadata columns are camera settings that modulate the nuisance (exposure → brightness, gain → noise) and
carry only a faint class shift. Labels flip to another class with probability `label_noise` after the oracle.
Everything is plain JSON, so the rule fits config.yaml and the spec hash.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sandmle_core.modalities.image.colour import ColourRule
from sandmle_core.modalities.image.leaf_rule import SilhouetteRule
from sandmle_core.modalities.image.look import ImageLook
from sandmle_core.modalities.image.metadata_rule import SpotRule
from sandmle_core.modalities.image.named import NameLayout
from sandmle_core.modalities.image.scenes import SceneRule
from sandmle_core.modalities.image.subjects import DRAWERS, MOTIFS

__all__ = ["IMAGE_COLUMN", "SHAPES", "SHAPE_POOLS", "ClassPattern", "CueRule", "ImageRule", "LesionRule",
           "MetadataColumn"]

SHAPES = (
    "circle", "ring", "square", "cross", "triangle", "diamond", "bar", "crescent", "dots", "stripes", "checker", "blob",
    "lobes", "cluster", "cell", "arc", "hexagon", "crack",
)
"""The silhouettes a class pattern can use (the synthesizer's `_SDF` draws each)."""

SHAPE_POOLS: dict[str, tuple[str, ...]] = {
    # the silhouettes that fit each scene style (scenes.STYLES): round, lobed and clustered forms on cells and discs,
    # bands, arcs and cracks on terrain and streaked surfaces, straight-edged forms on panels and plain floors; each
    # pool holds at least 8, enough distinct silhouettes for the micro class cap at the easiest difficulty
    "tissue": ("circle", "ring", "blob", "lobes", "cluster", "cell", "crescent", "dots", "diamond"),
    "leaf": ("lobes", "blob", "crescent", "arc", "diamond", "dots", "cluster", "ring", "triangle"),
    "terrain": ("bar", "cross", "square", "arc", "crack", "triangle", "checker", "hexagon"),
    "disc": ("circle", "ring", "cell", "cluster", "dots", "crescent", "arc", "blob"),
    "streaks": ("crack", "bar", "stripes", "dots", "cross", "arc", "diamond", "blob"),
    "grid": ("square", "checker", "crack", "stripes", "hexagon", "cross", "bar", "triangle"),
    "object": ("circle", "square", "triangle", "diamond", "cross", "hexagon", "ring", "bar", "crescent"),
}
"""Per scene style, the silhouettes its classes are drawn from, so that image domains differ in their foreground as
well as their ground; a subject no style keyword matches draws from every shape."""
IMAGE_COLUMN = "image"  # the tables' image-path column (re-exported by `drafter`)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ClassPattern(_Frozen):
    """The pattern of one class.

    Attributes:
        shape: the silhouette (`SHAPES`), or under a subject drawer the motif (`subjects.MOTIFS`).
        size: silhouette radius as a share of the image half-width.
        aspect: x/y stretch of the silhouette.
        tilt: silhouette orientation in degrees.
        texture_freq: texture cycles per silhouette radius.
        texture_angle: texture orientation in degrees, relative to the silhouette.
        texture_amp: depth of the texture modulation (0 = flat fill, 1 = fully dark troughs).
        intensity: foreground brightness multiplier (close to 1).
    """

    shape: str
    size: float = Field(gt=0.1, lt=1.0)
    aspect: float = Field(gt=0.3, lt=3.0)
    tilt: float = Field(ge=-180.0, le=180.0)
    texture_freq: float = Field(gt=0.0, le=6.0)
    texture_angle: float = Field(ge=0.0, lt=180.0)
    texture_amp: float = Field(ge=0.0, le=1.0)
    intensity: float = Field(gt=0.3, le=1.5)

    @model_validator(mode="after")
    def _known_shape(self) -> ClassPattern:
        if self.shape not in SHAPES and self.shape not in MOTIFS:
            raise ValueError(f"unknown shape {self.shape!r}: neither a silhouette nor a subject drawer's motif")
        return self


class MetadataColumn(_Frozen):
    """A public numeric capture setting: value = mean + sd * (z + class shift), rounded to `decimals`.

    `effect` says which nuisance the standardized value z modulates: "brightness" scales the image, "noise" scales
    the gaussian noise, "none" has no effect on the image.
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str
    unit: str | None = None
    mean: float
    sd: float = Field(gt=0.0)
    decimals: int = Field(ge=0, le=4)
    effect: Literal["brightness", "noise", "none"]
    class_shift: tuple[float, ...]
    missing_rate: float = Field(default=0.0, ge=0.0, lt=0.5)


class LesionRule(_Frozen):
    """The lesions of an ordinal (graded) image task: more and larger spots at a higher grade.

    An image of grade g carries Poisson(mean_counts[g] * exp(count_spread * z - count_spread**2 / 2)) spots (z
    standard normal, at most `max_count`), dark or bright (`bright_share`), of radius `radius` * (1 + 0.15 g) *
    U(0.8, 1.2) inside the central disc. `count_spread` is the noise knob: the wider it is, the more adjacent grades
    overlap.
    """

    mean_counts: tuple[float, ...] = Field(min_length=2)
    count_spread: float = Field(ge=0.0, le=1.5)
    radius: float = Field(gt=0.01, le=0.2)
    depth: float = Field(gt=0.05, le=0.8)
    bright_share: float = Field(ge=0.0, le=1.0)
    max_count: int = Field(default=16, ge=1, le=32)

    @model_validator(mode="after")
    def _ordered(self) -> LesionRule:
        if any(b <= a for a, b in pairwise(self.mean_counts)) or self.mean_counts[0] < 0:
            raise ValueError(f"mean_counts must grow with the grade from >= 0, got {self.mean_counts}")
        return self


class CueRule(_Frozen):
    """The labels of a multi-label image task (ranzcr's shape): each label is an independent tube-like curve.

    Label j, when present, draws a bright curve from near `anchors[j]` at `angles[j]` degrees, bent by `bends[j]`
    (signed, in half-widths), `length` long and `width` thick, at `contrast` times U(0.7, 1.3); the anchor moves by
    up to `jitter`. `faint_share` is the noise knob: that share of present curves is drawn at 5-25% of their
    contrast, nearly invisible, so the label is a noisy function of the image. Images of one group (`group_column`,
    a train-only column: the seed's own name, ranzcr's `PatientID`, or the domain's, `field_id`) share their framing
    and background; `group_noun` is what the description calls a group ("patient", "field"; left out of the
    serialised rule when "patient", so specs drafted before it keep their content hash).

    `test_table` and `image_column` say which of the image table's parts the seed ships: ranzcr's own layout has no
    test.csv (the test ids are the names in `test/` and the sample submission's ids) and no image column (an image
    is `<part>/<id>.jpg`); both are True for specs drafted before the seed's layout was kept, and are left out of
    the serialised rule when True, so those specs keep their content hash.
    """

    prevalence: tuple[float, ...] = Field(min_length=2)
    anchors: tuple[tuple[float, float], ...]
    angles: tuple[float, ...]
    bends: tuple[float, ...]
    length: float = Field(gt=0.2, le=1.6)
    width: float = Field(gt=0.01, le=0.2)
    contrast: float = Field(gt=0.05, le=0.8)
    jitter: float = Field(ge=0.0, le=0.4)
    faint_share: float = Field(ge=0.0, lt=0.8)
    group_column: str = Field(default="PatientID", pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    group_noun: str = Field(default="patient", exclude_if=lambda noun: noun == "patient")
    test_table: bool = Field(default=True, exclude_if=lambda shipped: shipped)
    image_column: bool = Field(default=True, exclude_if=lambda shipped: shipped)

    @model_validator(mode="after")
    def _one_per_label(self) -> CueRule:
        k = len(self.prevalence)
        if any(len(v) != k for v in (self.anchors, self.angles, self.bends)):
            raise ValueError(f"anchors, angles and bends need one entry per label ({k})")
        if not all(0.0 < p < 1.0 for p in self.prevalence):
            raise ValueError(f"prevalences must lie in (0, 1), got {self.prevalence}")
        return self


class ImageRule(_Frozen):
    """Per-class procedural patterns and the nuisance model of an image classification environment.

    Attributes:
        image_size: width = height of the square PNGs, in pixels.
        patterns: one pattern per class, in the order of the target's classes.
        class_weights: class prior shares, same order (sum to 1).
        jitter: half-range of the uniform position shift, as a share of the image half-width.
        scale_sd: sd of the log scale factor.
        rotation_sd: sd of the rotation, in degrees.
        background_range: (low, high) of the uniform background level in [0, 1].
        contrast_range: (low, high) of the uniform foreground-minus-background contrast.
        illumination: maximum amplitude of the linear illumination gradient.
        noise_sd: sd of the per-pixel gaussian noise (scaled per image by U(0.5, 1.5)).
        blotch_rate: expected number of occluding blotches per image (Poisson, at most 4).
        blotch_radius: (low, high) blotch radius as a share of the image half-width.
        label_noise: probability that a label is replaced by a uniformly drawn other class.
        metadata: the public numeric capture-setting columns, in file order.
        lesions: an ordinal task's grade lesions (every grade shares one pattern; the lesions tell them apart).
        label_in_name: training images are named `images/<id>_<label>.png` next to a train.csv that also holds the
            label (specs drafted before `names`; test images are named by their id only).
        names: the seed's own labels-in-names layout (dogs vs. cats: `train.zip` of `train/<label>.<n>.jpg`,
            `test.zip` of `test/<id>.jpg`, no train.csv or test.csv; `named.py`). Left out of the serialised rule
            when None, so other image specs keep their content hash.
        scene: the class-independent ground the patterns are drawn on (`scenes`); None = the plain ground of
            specs drafted before scenes existed.
        cues: a multi-label task's label curves (every image renders one shared pattern; the curves carry the
            labels). Left out of the serialised rule when None, so other image specs keep their content hash.
        spots: an image + metadata task's spot rule (siim-isic's shape, metadata.py); its JPEGs, tables and label
            come from it alone, the class patterns and nuisance fields above are then unused placeholders.
        silhouettes: an image + descriptor-table many-class task's rule (leaf-classification's shape, leaf.py); its
            JPEGs, tables and labels come from it alone, the class patterns and nuisance fields above are then unused
            placeholders. Left out of the serialised rule when None, so other image specs keep their content hash.
        colour: the palette of a seed whose images are in colour (`colour.py`: RGB images whose luminance is the
            grayscale render's); None = grayscale images, and left out of the serialised rule so that grayscale specs
            keep their content hash.
        look: the tone curve and grain of the domain's images (`look.py`), applied to the render before its pixel
            noise; None = the render's own tones (specs drafted before looks), left out of the serialised rule.
        drawer: the domain's subject drawer (`subjects.py`: a substrate and per-class motifs, which the patterns'
            shapes name); None = the generic silhouettes, left out of the serialised rule.
    """

    kind: Literal["image"] = "image"
    image_size: int = Field(default=32, ge=16, le=64)
    patterns: tuple[ClassPattern, ...] = Field(min_length=2)
    class_weights: tuple[float, ...]
    jitter: float = Field(ge=0.0, le=0.5)
    scale_sd: float = Field(ge=0.0, le=0.5)
    rotation_sd: float = Field(ge=0.0, le=90.0)
    background_range: tuple[float, float]
    contrast_range: tuple[float, float]
    illumination: float = Field(ge=0.0, le=0.5)
    noise_sd: float = Field(ge=0.0, le=0.5)
    blotch_rate: float = Field(ge=0.0, le=4.0)
    blotch_radius: tuple[float, float]
    label_noise: float = Field(ge=0.0, lt=0.5)
    metadata: tuple[MetadataColumn, ...] = ()
    lesions: LesionRule | None = None
    label_in_name: bool = False
    scene: SceneRule | None = None
    cues: CueRule | None = Field(default=None, exclude_if=lambda cues: cues is None)
    spots: SpotRule | None = None
    names: NameLayout | None = Field(default=None, exclude_if=lambda names: names is None)
    colour: ColourRule | None = Field(default=None, exclude_if=lambda colour: colour is None)
    silhouettes: SilhouetteRule | None = Field(default=None, exclude_if=lambda rule: rule is None)
    look: ImageLook | None = Field(default=None, exclude_if=lambda look: look is None)
    drawer: str | None = Field(default=None, exclude_if=lambda drawer: drawer is None)

    @property
    def target_after_id(self) -> bool:
        """Whether train.csv holds the label right after the id (leaf-classification's `id, species, ...`)."""
        return self.silhouettes is not None

    @property
    def train_only_columns(self) -> tuple[str, ...]:
        """Columns of train.csv only (the contracts read them; test.csv must never carry them): a multi-label task's
        group column, an image + metadata task's label-restating columns."""
        if self.cues is not None:
            return (self.cues.group_column,)
        return ("diagnosis", "outcome") if self.spots is not None else ()

    @property
    def untabled_columns(self) -> tuple[str, ...]:
        """Feature columns that no table carries, the image being found by its id (ranzcr's own train.csv has no
        image column: an image is `train/<id>.jpg` or `test/<id>.jpg`)."""
        return (IMAGE_COLUMN,) if self.cues is not None and not self.cues.image_column else ()

    @model_validator(mode="after")
    def _consistent(self) -> ImageRule:
        k = len(self.patterns)
        if len(self.class_weights) != k:
            raise ValueError(f"class_weights needs {k} entries, has {len(self.class_weights)}")
        if min(self.class_weights) <= 0 or abs(sum(self.class_weights) - 1.0) > 1e-3:
            raise ValueError(f"class_weights must be positive and sum to 1, got {self.class_weights}")
        for name, (low, high) in (("background_range", self.background_range),
                                  ("contrast_range", self.contrast_range), ("blotch_radius", self.blotch_radius)):
            if not 0.0 <= low <= high <= 1.0:
                raise ValueError(f"{name} must satisfy 0 <= low <= high <= 1, got {(low, high)}")
        if self.drawer is not None and self.drawer not in DRAWERS:
            raise ValueError(f"unknown subject drawer {self.drawer!r}; known: {sorted(DRAWERS)}")
        if self.background_range[1] + self.contrast_range[1] > 1.2:
            raise ValueError("background plus contrast would saturate most foreground pixels")
        for column in self.metadata:
            if len(column.class_shift) != k:
                raise ValueError(f"metadata {column.name!r} needs one class shift per class ({k})")
        if self.lesions is not None and len(self.lesions.mean_counts) != k:
            raise ValueError(f"lesions need one mean count per grade ({k})")
        columns = [c.name for c in self.metadata]
        if len(set(columns)) != len(columns):
            raise ValueError(f"repeated metadata columns: {columns}")
        if self.names is not None and (len(self.names.words) != k or self.metadata):
            raise ValueError("a labels-in-names layout needs one name word per class and no metadata columns (there "
                             "is no table to hold them)")
        return self
