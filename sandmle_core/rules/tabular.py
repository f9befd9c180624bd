"""The hidden rule of a tabular environment (being written: fields are added by the tabular synthesis work)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["TabularRule"]


class TabularRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["tabular"] = "tabular"
