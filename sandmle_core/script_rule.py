"""`ScriptRule`: a hidden rule the Claude backend's developer turns into a data-generating program.

The four offline rule families (tabular structural models, vocabularies, shapes, series components …) are sampled
by sandmle's own synthesizers. A script rule is the paper's way instead: the strategist states the hidden rule in
words plus named parameters, and the developer role asks the model for `generate.py`, a program that writes the
environment's public and private files itself (`sandmle_core.agents.claude.generator` runs it in the strict sandbox,
twice, and keeps it only when both runs are byte-identical). A TaskSpec accepts it for any modality, but only for
the claude backend: nothing offline can run it.

Imports: pydantic only (the TaskSpec's rule union includes this model).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SCRIPT_KIND", "ScriptRule"]

SCRIPT_KIND = "script"
ParamValue = float | int | str | bool


class ScriptRule(BaseModel):
    """The hidden rule as the strategist wrote it for the developer's generator program.

    Attributes:
        words: how the target depends on the features (or the media), the noise and the challenges, in prose.
        params: named numbers and settings the program must use (effect sizes, noise levels, shares).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["script"] = SCRIPT_KIND
    words: str = Field(min_length=20, max_length=4000)
    params: dict[str, ParamValue] = Field(default_factory=dict, max_length=60)
