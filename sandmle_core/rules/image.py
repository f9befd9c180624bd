"""The hidden rule of a image environment (being written: fields are added by the image synthesis work)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["ImageRule"]


class ImageRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["image"] = "image"
