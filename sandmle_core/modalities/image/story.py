"""How an image environment's description frames its task: the rows are images, and the story says so.

A domain's own story is written for its tabular records ("from dispatch and truck telemetry"); told of an image task
it would describe inputs the task does not have. `story` frames the task by what the domain's images show instead,
and `row_noun` calls a row what it is.

Imports: the shared vocabulary and `colour` (a colour environment's subject).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandmle_core.modalities.image.colour import colour_subject

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import Domain
    from sandmle_core.taskspec import TaskSpec

__all__ = ["row_noun", "story"]


def row_noun(spec: TaskSpec) -> str:
    """One row of train.csv: one image (and its capture metadata, or its source's metadata record)."""
    if getattr(spec.rule, "silhouettes", None) is not None:
        return "one object: its silhouette image and its 192 descriptors"
    spots = getattr(spec.rule, "spots", None)
    return "one photograph and its metadata record" if spots is not None else "one image"


def story(domain: Domain, colour: bool = False) -> str:
    """The story template (`{entity}`, `{target}` placeholders) of an image task in this domain: who photographs
    what, and what is to be told from the picture (in colour images, the subject says so)."""
    subject = colour_subject(domain.image.subject, colour) if domain.image is not None else "a photograph"
    # the image is the row: the domain's tabular entity ("haul truck cycle") would promise a record the task does
    # not have. The image comes first: a target description may end in a scale ("from 0 (...) to 4 (...)"), and a
    # second "from" after it reads as a machine's sentence
    return (f"Each image is {subject}. From the image (and its capture settings, when given) the task is "
            "to tell {target}, as an inspector looking at it would, despite uneven lighting, shifted framing, sensor "
            "noise and smudges on the lens.")
