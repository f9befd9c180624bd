"""Drafting an image-to-image environment: which documents are scanned, and how badly the scans are soiled.

`draft` picks the page layouts and printed words from a domain's page vocabulary and draws the hidden `PageRule`:
page size and font, then one severity knob (the slot's difficulty, plus a little jitter) from which every degradation
is scaled — paper texture, light, stains, coffee rings, fading, blur, specks, sensor noise and JPEG blockiness.
Every number comes from the slot's draft rng.
"""

from __future__ import annotations

import numpy as np

from sandmle_core.errors import SpecError
from sandmle_core.modalities.base import Draft, DraftContext
from sandmle_core.modalities.image2image.rule import PageRule
from sandmle_core.modalities.image2image.synthesizer import IMAGE_COLUMN
from sandmle_core.spec import Challenge, ColumnKind, ColumnSpec, TargetSpec, TaskType

__all__ = ["ID_COLUMN", "VALUE_COLUMN", "draft", "page_rule"]

ID_COLUMN = "id"
VALUE_COLUMN = "value"


def _r(value: float, digits: int = 4) -> float:
    return round(float(value), digits)


def page_rule(layouts: tuple[str, ...], words: tuple[str, ...], rng: np.random.Generator, difficulty: float,
              heavy: bool = False) -> PageRule:
    """A page rule of this difficulty (0 = light soiling, 1 = heavy); `heavy` adds stains and rings.

    Raises:
        pydantic.ValidationError: for layouts or words the rule does not accept.
    """
    severity = float(np.clip(difficulty + rng.uniform(-0.05, 0.05) + (0.1 if heavy else 0.0), 0.0, 1.0))
    shares = rng.dirichlet(np.full(len(layouts), 4.0))
    shares = np.round(np.maximum(shares, 0.1) / np.maximum(shares, 0.1).sum(), 4)
    shares[-1] = round(1.0 - shares[:-1].sum(), 4)
    return PageRule(
        height=int(rng.integers(6, 9)) * 8, width=int(rng.integers(8, 12)) * 8,
        layouts=layouts, layout_weights=tuple(float(s) for s in shares), words=words,
        ink=_r(rng.uniform(0.0, 0.12), 3), font_size=int(rng.integers(8, 12)), severity=_r(severity),
        paper_range=(_r(0.62 + 0.1 * (1 - severity) + rng.uniform(0, 0.05)), _r(0.9 + 0.08 * rng.random())),
        texture=_r(0.04 + 0.14 * severity), lighting=_r(0.05 + 0.25 * severity),
        stain_rate=_r(0.4 + 2.0 * severity), stain_strength=_r(0.15 + 0.3 * severity),
        ring_rate=_r(0.1 + 0.5 * severity), fade=_r(0.05 + 0.3 * severity), blur=_r(0.3 + 0.7 * severity),
        speckle=_r(0.002 + 0.012 * severity), noise_sd=_r(0.02 + 0.04 * severity),
        jpeg_quality=round(90 - 35 * severity), grain_sd=_r(0.015 + 0.015 * rng.random()),
    )


def draft(ctx: DraftContext) -> Draft:
    """Draft the modality half of a document-denoising spec (see the module docstring).

    Raises:
        SpecError: when the domain has no page vocabulary or the seed is not a per-pixel regression.
    """
    vocab = ctx.domain.pages
    if vocab is None:
        raise SpecError(f"domain {ctx.domain.key!r} has no page vocabulary")
    if ctx.dna.task_type != TaskType.PER_PIXEL:
        raise SpecError(f"image-to-image environments are per-pixel regressions, the seed is {ctx.dna.task_type}")
    rng = ctx.rng
    heavy = Challenge.NUISANCE_VARIATION in ctx.challenges
    rule = page_rule(vocab.layouts, vocab.words, rng, float(ctx.difficulty), heavy)
    size = f"{rule.width}x{rule.height} pixels"
    columns = (ColumnSpec(name=IMAGE_COLUMN, kind=ColumnKind.IMAGE,
                          description=f"path of the dirty scan ({vocab.subject}, {size}, grayscale PNG), relative "
                                      "to the data folder"),)
    target = TargetSpec(columns=(VALUE_COLUMN,),
                        description="the clean version of the scanned page, pixel by pixel (grey levels, 0 = black "
                                    "ink, 1 = white paper; train.csv names each training page's clean PNG)")
    title = f"{ctx.domain.title}: Cleaning Scanned {vocab.subject.split()[-1].title()}s"
    return Draft(id_column=ID_COLUMN, columns=columns, target=target, rule=rule, title=title)
