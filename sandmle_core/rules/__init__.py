"""Hidden rules: how a drafted environment's data is generated, one pydantic model per modality.

A rule is the secret half of a TaskSpec — latent variables, coefficients, interactions, noise, vocabularies, shape
assignments — drawn from the rng by the strategist and consumed by `sandmle_core.synthesis`. It is stored in
config.yaml (never in anything an agent sees). Rule modules import only pydantic and `sandmle_core.spec`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from sandmle_core.rules.image import ImageRule
from sandmle_core.rules.series import SeriesRule
from sandmle_core.rules.tabular import TabularRule
from sandmle_core.rules.text import TextRule

__all__ = ["ImageRule", "Rule", "SeriesRule", "TabularRule", "TextRule"]

Rule = Annotated[TabularRule | TextRule | ImageRule | SeriesRule, Field(discriminator="kind")]
