"""The hidden rule of a series environment (being written: fields are added by the series synthesis work)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["SeriesRule"]


class SeriesRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["series"] = "series"
