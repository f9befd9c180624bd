"""The catalog's schema: a domain with a story, typed feature templates with units, targets per task type, and the
vocabularies the text (`text_vocab.py`), image, audio, speech (text normalization) and time-series drafters
draw from.

The catalog itself is data (`domains.yaml`); `load_catalog()` validates it once and rejects a broken entry with the
domain key and the field that is wrong. Which domains can host which task is the modality kits' call
(`sandmle_core.modalities.domains_for`): the data catalog never reaches up into the generators.

Imports: pydantic only.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from sandmle_core.catalog.frozen import Frozen as _Frozen
from sandmle_core.catalog.text_vocab import CommentVocab, FineLabel, FlagLabel, RequestVocab, TextFlags, TextVocab

__all__ = [
    "IMAGE_STORY",
    "AudioVocab",
    "ClassTarget",
    "CommentVocab",
    "Domain",
    "FeatureTemplate",
    "FineLabel",
    "FlagLabel",
    "GraphVocab",
    "ImageVocab",
    "LinkVocab",
    "MultilabelTarget",
    "PageVocab",
    "RequestVocab",
    "SeriesVocab",
    "SilhouetteVocab",
    "SpeechVocab",
    "TextFlags",
    "TextVocab",
    "ValueTarget",
    "slug",
]

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """`Wind Farm Ops` → `wind_farm_ops`."""
    return _SLUG.sub("_", text.lower()).strip("_")


class FeatureTemplate(_Frozen):
    """A typed feature a tabular (or series driver) column can be made from.

    Attributes:
        name: snake_case column name.
        kind: numeric (float), integer (counts) or categorical (levels).
        unit: physical or monetary unit, None for dimensionless.
        low, high: the plausible range of a numeric/integer feature (synthesis maps latent values into it).
        levels: the levels of a categorical feature.
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Literal["numeric", "integer", "categorical"]
    description: str
    unit: str | None = None
    low: float | None = None
    high: float | None = None
    levels: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _complete(self) -> FeatureTemplate:
        if self.kind == "categorical":
            if not self.levels or len(self.levels) < 2:
                raise ValueError(f"categorical feature {self.name!r} needs at least two levels")
        elif self.low is None or self.high is None or not self.low < self.high:
            raise ValueError(f"{self.kind} feature {self.name!r} needs low < high")
        return self


_PURPOSE = r"^[a-z][^_]*[^. ]$"
"""A target's own purpose: the clause after the story's "so that" (not repeating it: `test_catalog_purposes`), lower
case, without identifiers or a full stop."""


class ClassTarget(_Frozen):
    """A class-valued target: binary (two classes, negative first), multi-class, or ordinal (ordered low → high).

    `purpose`: what this prediction is for, when the domain story's purpose was written for another of its targets
    (`Domain.story_for`); None keeps the story's."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str
    classes: tuple[str, ...] = Field(min_length=2)
    purpose: str | None = Field(default=None, pattern=_PURPOSE)


class ValueTarget(_Frozen):
    """A real-valued regression target with its unit and plausible range (`purpose` as `ClassTarget`'s)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str
    unit: str | None = None
    low: float
    high: float
    purpose: str | None = Field(default=None, pattern=_PURPOSE)


class MultilabelTarget(_Frozen):
    """Several binary labels that may apply at once (each becomes an answer column; `purpose` as `ClassTarget`'s)."""

    description: str
    labels: tuple[str, ...] = Field(min_length=3)
    purpose: str | None = Field(default=None, pattern=_PURPOSE)


class ImageGroup(_Frozen):
    """What several images of one domain share, as a multi-label task's train-only group column names it (ranzcr's
    `PatientID`): the column's name and the noun its description uses (a regular noun: its plural adds an "s")."""

    column: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    noun: str = Field(pattern=r"^[A-Za-z][A-Za-z -]*[a-z]$")


class ImageGrade(_Frozen):
    """What an ordinal (graded) image task grades in a domain: the title's words ("Damage Severity") and the target's
    description without its scale ("the severity of the damage to the panel"; the scale, 0 = none to the worst, is
    the drafter's). A domain without one hosts no graded image task: a dish photograph or a camera-trap frame has no
    severity to grade. `purpose`: what the grade is for, when the image story's "so that" was written for telling
    its classes apart ("so that safety managers see missing protective gear": the kind of hazard, not how bad it is);
    None keeps the story's."""

    title: str = Field(pattern=r"^[A-Z][A-Za-z-]*(?: [A-Z][A-Za-z-]*)*$")
    description: str = Field(pattern=r"^the [a-z]")
    purpose: str | None = Field(default=None, pattern=_PURPOSE)

    @model_validator(mode="after")
    def _title_takes_grading(self) -> ImageGrade:
        if self.title.endswith("Grade"):  # the task's title adds "Grading": not "Fracturing Grade Grading"
            raise ValueError(f"an image grade's title is what is graded, without 'Grade': {self.title!r}")
        return self


# An image story: who takes the pictures, and what is to be told from each one, and why.
IMAGE_STORY = re.compile(r"^(?P<context>[A-Z][^;{}]+); from each (?P<noun>[a-z -]+?) (?P<asker>it|the [a-z -]+?) "
                         r"wants to tell \{target\}, so that (?P<purpose>[^{}]+?)\.$")


class ImageVocab(_Frozen):
    """What the image drafter needs: what an image shows, the names of the classes it can tell apart, and what
    several images share (`group`: a patient, a field, a turbine), and the subject drawer that draws its classes
    (`drawer`, a key of `modalities.image.subjects.DRAWERS`; None = the generic striped silhouettes).

    `subject` describes a grayscale environment's images ("a grayscale thumbnail of ..."); an environment of a
    colour seed reads it through `image.colour.colour_subject` ("a colour thumbnail of ...")."""

    subject: str
    label: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_description: str
    classes: tuple[str, ...] = Field(min_length=4)
    group: ImageGroup
    drawer: str | None = Field(default=None, pattern=r"^[a-z][a-z_]*$")
    # who takes these pictures and why: "<context>; from each <noun> <asker> wants to tell {target}, so that
    # <purpose>." (`IMAGE_STORY`: the image kit reads the parts to write its second overview structure)
    story: str | None = None
    # how "the image shows ..." names one class (a detection task's target): `article` "a" for countable things ("a
    # door crease", "an ulcer"; a name ending in a plural "s" takes none: "hail dents"), "none" for kinds and
    # materials ("granite", "early blight"); `shown` words single classes otherwise ("healthy": "a healthy leaf")
    article: Literal["a", "none"] = "a"
    shown: dict[str, str] = Field(default_factory=dict)
    grade: ImageGrade | None = None  # what a graded (ordinal) image task grades here; None: no graded task
    # its images show spots on a person's skin, as a dermatology photograph does: only such a domain hosts the image +
    # records shape (siim-isic: a body site, the person's age, several images per person beside each photograph)
    skin_spots: bool = False

    @model_validator(mode="after")
    def _story_has_its_parts(self) -> ImageVocab:
        if self.story is not None and IMAGE_STORY.match(self.story) is None:
            raise ValueError(f"an image story must read '<context>; from each <noun> <asker> wants to tell {{target}}, "
                             f"so that <purpose>.': {self.story!r}")
        unknown = sorted(set(self.shown) - set(self.classes))
        if unknown:
            raise ValueError(f"`shown` words classes the domain does not have: {unknown}")
        return self


# An audio story: who records what, then from which clip what is told and why. The clip comes before the target:
# "it wants to tell whether the recording holds a compressor stall from each recording" read as a machine's sentence.
AUDIO_STORY = re.compile(r"^[A-Z][^;]+; from (?:each|the) [^{}]+? wants to tell \{target\}, so that [^{}]+\.$")


class AudioVocab(_Frozen):
    """What the audio drafter needs: what a clip records, the sound classes it can tell apart, and the one sound a
    detection (binary) task asks about.

    `calls` narrows the sound shapes a class is drawn as to those the domain's sources make (bats echolocate in
    sweeps and repeated chirps, crickets trill in pulse trains); None = every shape (`audio.rule.EVENT_KINDS`)."""

    subject: str
    label: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_description: str
    classes: tuple[str, ...] = Field(min_length=4)
    detect: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    detect_description: str
    story: str | None = None  # the framing of an audio task (who records what, and why), with `{target}`
    title: str | None = None  # the title's first half when the domain's title names another medium ("Camera-Trap")
    calls: tuple[Literal["call", "chirp", "harmonic", "pulse", "sweep"], ...] | None = Field(default=None,
                                                                                             min_length=2)

    @model_validator(mode="after")
    def _story_names_target(self) -> AudioVocab:
        if self.story is not None and AUDIO_STORY.match(self.story) is None:
            raise ValueError("an audio story must read '<context>; from each <clip> <asker> wants to tell {target}, so "
                             f"that <purpose>.' (the clip named before the target): {self.story!r}")
        if self.calls is not None and len(set(self.calls)) != len(self.calls):
            raise ValueError(f"audio calls repeat a sound shape: {self.calls}")
        return self


# A domain story: "A retail bank wants to predict {target} for each {entity} from ..., so that <purpose>."
_FRAMING = re.compile(r"^(?P<org>An? .+?) wants to \w+ \{target\}.*?, so that (?P<purpose>.+?)\.?$")


class SpeechVocab(_Frozen):
    """What the sequence-to-sequence (text normalization) drafter needs: what a sentence is and the plain words its
    sentences are written with (numbers, dates, money ... are the grammar's; these are the words around them)."""

    sentence: str
    words: tuple[str, ...] = Field(min_length=20)


class SilhouetteVocab(_Frozen):
    """What the silhouette drafter needs (leaf-classification's shape): what a binary silhouette shows and the species
    whose outlines it tells apart; many-class seeds need many names."""

    subject: str
    label: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_description: str
    classes: tuple[str, ...] = Field(min_length=12)


class PageVocab(_Frozen):
    """What the image-to-image drafter needs: the documents a scan shows, their page layouts, and printed words."""

    subject: str
    layouts: tuple[Literal["letter", "form", "table", "receipt"], ...] = Field(min_length=1)
    words: tuple[str, ...] = Field(min_length=12)


class SeriesVocab(_Frozen):
    """What the time-series drafter needs: the forecast quantity, its unit and frequency, and exogenous drivers, and
    what the forecast is for (`purpose`, the story's "so that ..." clause: "enough couriers are online for each hour
    of the day"; the domain's tabular purpose is about another prediction)."""

    quantity: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str
    purpose: str
    unit: str
    frequency: Literal["H", "D", "W", "M"]
    level: float = Field(gt=0)
    drivers: tuple[FeatureTemplate, ...] = Field(min_length=2)


class GraphVocab(_Frozen):
    """What the graph drafter needs: what the network is, what a node and an edge are, the node attributes, the
    classes a node falls into, and the one property a binary (detection) task asks about."""

    network: str  # "the organisation's co-purchase graph", as the story names it
    purpose: str  # what knowing a node's class is for ("the catalogue team can file new products ..."): the story's
    # "so that" clause, which the domain's own purpose (about its tabular target) does not fit
    node: str  # what one node is ("a product of the catalogue")
    edge: str  # when two nodes are joined ("two products were bought together in at least five orders")
    features: tuple[FeatureTemplate, ...] = Field(min_length=4)
    label: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_description: str
    classes: tuple[str, ...] = Field(min_length=3)
    detect: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    detect_description: str


class LinkVocab(_Frozen):
    """What the link-prediction drafter needs: the pair label a task asks about and, for a domain whose link task
    lives on another network than its node-classification graph (or that has none), that network's own words.

    `network`, `node`, `edge` and `features` left out are taken from the domain's `graph` vocabulary."""

    label: str = Field(pattern=r"^[a-z][a-z0-9_]*$")  # the pair table's 0/1 column ("coauthored")
    label_description: str  # "1 if the two journalists share a byline in the held-out months"
    purpose: str  # what knowing the missing links is for: the story's "so that" clause
    network: str | None = None
    node: str | None = None
    edge: str | None = None
    features: tuple[FeatureTemplate, ...] | None = Field(default=None, min_length=4)


class Domain(_Frozen):
    """One domain of the catalog.

    Attributes:
        key: short slug, part of env ids.
        story: the framing, a template with `{entity}` and `{target}` placeholders.
        features: typed tabular features (at least 8, so schemas can differ between environments of one domain).
        multitarget: further measured quantities of the same entity, drafted together with the `regression`
            targets in a multi-target regression task (kept apart so single-target regression drafts are unchanged).
        silhouettes: the species whose binary silhouettes an image + descriptor-table task tells apart (leaf
            classification's shape); only these domains host such a seed.
    """

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    sector: str
    entity: str
    story: str
    features: tuple[FeatureTemplate, ...] = ()
    binary: tuple[ClassTarget, ...] = ()
    multiclass: tuple[ClassTarget, ...] = ()
    ordinal: tuple[ClassTarget, ...] = ()
    regression: tuple[ValueTarget, ...] = ()
    multilabel: tuple[MultilabelTarget, ...] = ()
    multitarget: tuple[ValueTarget, ...] = ()
    text: TextVocab | None = None
    image: ImageVocab | None = None
    silhouettes: SilhouetteVocab | None = None
    audio: AudioVocab | None = None
    speech: SpeechVocab | None = None
    pages: PageVocab | None = None
    series: SeriesVocab | None = None
    requests: RequestVocab | None = None
    comments: CommentVocab | None = None
    graph: GraphVocab | None = None
    links: LinkVocab | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Domain:
        if self.features and len(self.features) < 8:
            raise ValueError(f"domain {self.key!r} needs at least 8 features, has {len(self.features)}")
        names = [f.name for f in self.features]
        if len(set(names)) != len(names):
            raise ValueError(f"domain {self.key!r} repeats feature names")
        valued = [t.name for t in (*self.regression, *self.multitarget)]
        if len(set(valued)) != len(valued) or set(valued) & set(names):
            raise ValueError(f"domain {self.key!r}: regression and multi-target columns must be distinct names, "
                             "none of them a feature")
        labels = {label for t in self.multilabel for label in t.labels}
        if labels & set(names):  # a label column named like a feature: the spec would have one column twice
            raise ValueError(f"domain {self.key!r}: multi-label labels {sorted(labels & set(names))} are also "
                             "feature names")
        for target in self.binary:
            if len(target.classes) != 2:
                raise ValueError(f"binary target {target.name!r} of {self.key!r} needs exactly two classes")
        if self.links is not None and self.graph is None and None in (
                self.links.network, self.links.node, self.links.edge, self.links.features):
            raise ValueError(f"domain {self.key!r}: a link vocabulary without a graph one needs its own network, "
                             "node, edge and features")
        if "{entity}" not in self.story and "{target}" not in self.story:
            raise ValueError(f"the story of {self.key!r} uses neither {{entity}} nor {{target}}")
        if _FRAMING.match(self.story.strip()) is None:
            raise ValueError(f"the story of {self.key!r} must read 'A/An <organisation> wants to <verb> "
                             "{target} ..., so that <purpose>.': other modalities build their framing from those parts")
        return self

    @property
    def organisation(self) -> str:
        """Who wants the prediction, as the story names it ("A retail bank")."""
        return _FRAMING.match(self.story.strip()).group("org")  # type: ignore[union-attr]

    @property
    def purpose(self) -> str:
        """What the prediction is for, the clause after "so that" without its full stop."""
        return _FRAMING.match(self.story.strip()).group("purpose")  # type: ignore[union-attr]

    def story_for(self, purpose: str | None) -> str:
        """The story with `purpose` (a target's own) after its "so that"; the story itself for None."""
        if purpose is None:
            return self.story
        story = self.story.strip()
        return story[:_FRAMING.match(story).start("purpose")] + purpose + "."  # type: ignore[union-attr]

    def render_story(self, target: str, entity: str | None = None, template: str | None = None) -> str:
        """The story (or another `template`, e.g. a modality's own framing) with its placeholders filled."""
        story = template or self.story
        return story.replace("{entity}", entity or self.entity).replace("{target}", target)
