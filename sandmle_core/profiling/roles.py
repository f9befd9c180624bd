"""Per-column roles of a seed table (text, image reference, categorical, numeric, datetime, geo, list, id).

Roles describe what a solution has to handle in each public column; they decide the seed's modality together
with the media files (`dna.py`). Each rule is a plain reading of the values, with the name only as a tie-breaker
(latitude/longitude, date/time), so a renamed column keeps its role.
"""

from __future__ import annotations

import re

import pandas as pd

from sandmle_core.profiling.inventory import AUDIO, IMAGE

__all__ = ["ROLES", "column_role", "is_entity_key"]

ROLES = ("id", "text", "image_ref", "audio_ref", "categorical", "numeric", "datetime", "geo", "list")
_GEO = re.compile(r"(^|_)(lat|lon|lng|latitude|longitude)($|_)", re.I)
_TIME = re.compile(r"date|time|timestamp", re.I)
_ENTITY_KEY = re.compile(r"(?:^|_|[a-z])(?:id|ID|Id)$")  # PatientID, patient_id
_MEDIA = re.compile(r"\.(?:" + "|".join(s.lstrip(".") for s in IMAGE | AUDIO) + r")$", re.I)


def column_role(series: pd.Series, name: str, list_columns: frozenset[str] = frozenset(),
                media_stems: frozenset[str] = frozenset()) -> str:
    """The role of one column.

    Args:
        series: the column's values.
        name: its name.
        list_columns: columns whose cells were lists before flattening (JSON records).
        media_stems: file names (without suffix) of the seed's media, to spot columns that reference them.

    Returns:
        One of `ROLES`.
    """
    values = series.dropna()
    if name in list_columns:
        return "list"
    if values.empty:
        return "numeric"
    if pd.api.types.is_bool_dtype(series):
        return "categorical"
    if pd.api.types.is_numeric_dtype(series):
        if _GEO.search(name):
            return "geo"
        if _TIME.search(name) and pd.api.types.is_float_dtype(series) and values.min() > 1e8:
            return "datetime"  # unix timestamps
        return "numeric" if values.nunique() > 12 or pd.api.types.is_float_dtype(series) else "categorical"
    text = values.astype(str)
    if text.str.contains(_MEDIA).mean() > 0.9:
        return "audio_ref" if text.str.lower().str.endswith(tuple(AUDIO)).mean() > 0.5 else "image_ref"
    if media_stems and text.isin(media_stems).mean() > 0.5:
        return "image_ref"
    if _TIME.search(name) and pd.to_datetime(text, errors="coerce", format="mixed").notna().mean() > 0.9:
        return "datetime"
    if text.str.split().str.len().mean() >= 5:
        return "text"
    if _ENTITY_KEY.search(name) and not text.str.contains(" ").any():
        return "id"  # PatientID, patient_id: an entity key, not a feature
    if len(text) > 10 and text.nunique() / len(text) > 0.9 and not text.str.contains(" ").any():
        return "id"  # a per-row identifier (patient, user): neither a feature nor a category
    return "categorical"


def is_entity_key(name: str) -> bool:
    """Whether a column's name reads as an entity key (`PatientID`, `patient_id`): one word ending in id."""
    return " " not in name and _ENTITY_KEY.search(name) is not None
