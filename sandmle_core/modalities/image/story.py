"""How an image environment's description frames its task: the rows are images, and the story says so.

A domain's own story is written for its tabular records ("from dispatch and truck telemetry"); told of an image task
it would describe inputs the task does not have. `story` frames the task by what the domain's images show instead,
and `row_noun` calls a row what it is.

Imports: the catalog's image-story shape, the shared framing helpers and `colour` (a colour environment's subject).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandmle_core.catalog.schema import IMAGE_STORY
from sandmle_core.modalities.base import framing_variant, lower_first
from sandmle_core.modalities.image.colour import colour_subject

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import Domain, ImageVocab
    from sandmle_core.taskspec import TaskSpec

__all__ = ["row_noun", "shown", "story"]


def row_noun(spec: TaskSpec) -> str:
    """One row of train.csv: one image (and its capture metadata, or its source's metadata record)."""
    if getattr(spec.rule, "silhouettes", None) is not None:
        return "one object: its silhouette image and its 192 descriptors"
    spots = getattr(spec.rule, "spots", None)
    return "one photograph and its metadata record" if spots is not None else "one image"


def story(domain: Domain, colour: bool = False, beside: str | None = None, graded: bool = False) -> str:
    """The story template (`{entity}`, `{target}` placeholders) of an image task in this domain: who takes the
    pictures and why (the catalog's `image.story`), what each image is (in colour images, the subject says so), and
    what makes it hard. Two overview structures, fixed per domain (`framing_variant`). `beside`: what a row ships
    besides its image ("the capture settings recorded with it"), so the task is not told "from the picture alone".
    `graded`: the task grades its images (an ordinal task), and the story ends on the grade's own purpose when the
    catalog gives one (`ImageGrade.purpose`)."""
    subject = colour_subject(domain.image.subject, colour) if domain.image is not None else "a photograph"
    source = f"From the picture and {beside}" if beside else "From the picture alone"
    # the image is the row: the domain's tabular entity ("haul truck cycle") would promise a record the task does
    # not have. The picture is named before the target: a target description may end in a scale ("from 0 (...) to
    # 4 (...)"), and a second "from" after it reads as a machine's sentence
    told = domain.image.story if domain.image is not None else None
    parts = IMAGE_STORY.match(told) if told else None
    purpose = domain.image.grade.purpose if graded and domain.image is not None and domain.image.grade else None
    if parts is not None and purpose is not None:
        told = f"{told[:parts.start('purpose')]}{purpose}."
        parts = IMAGE_STORY.match(told)
    if parts is None:  # a domain without its image story: the images and the task alone
        return (f"Each image is {subject}. {source} the task is to tell {{target}}, despite uneven lighting, shifted "
                "framing, sensor noise and smudges on the lens.")
    if framing_variant(domain, 2) == 0:
        return (f"{told} Each image is {subject}, and the pictures are not clean: the lighting is uneven, the framing "
                "shifts, and sensor noise and smudges on the lens get in the way.")
    return (f"Each image is {subject}: {lower_first(parts['context'])}. {source} the task is to tell {{target}}, "
            f"despite uneven lighting, shifted framing, sensor noise and smudges on the lens, so that "
            f"{parts['purpose']}.")


def shown(vocab: ImageVocab, name: str) -> str:
    """How "the image shows ..." names one class of the domain: the catalog's own words for it (`ImageVocab.shown`),
    else its name with "a"/"an" when the domain's classes are countable things and the name is not a plural ("a door
    crease", "an ulcer", "hail dents"), else the bare name ("granite", "early blight")."""
    if name in vocab.shown:
        return vocab.shown[name]
    words = name.replace("_", " ")
    if vocab.article == "none" or (words.endswith("s") and not words.endswith(("ss", "us", "sis"))):
        return words
    return ("an " if words[0] in "aeiou" else "a ") + words
