"""What a seed's public folder holds: tables, zips (listed, never parsed as tables), media and auxiliary files.

mle-bench's public inputs are not one train.csv/test.csv: zips of images or clips, image folders named by the id
column, label tables under other names (`labels.csv`, `train_labels.csv`), JSON records with list-valued fields,
zipped CSVs (`en_train.csv.zip`), audio clips with the label in the file name, paired image folders (`train/` +
`train_cleaned/`), auxiliary text files and per-id structure files. `take_inventory` lists all of them cheaply;
`read_table` reads one table, flattening list/dict cells so that nothing downstream meets an unhashable value.
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd

from sandmle_core.errors import SeedError

__all__ = ["AUDIO", "IMAGE", "Inventory", "read_table", "take_inventory"]

IMAGE = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"})
AUDIO = frozenset({".wav", ".aif", ".aiff", ".flac", ".mp3", ".ogg"})
_TABLES = (".csv", ".tsv", ".parquet", ".json", ".jsonl", ".csv.zip", ".csv.gz")
_TEXT = frozenset({".txt", ".rtf", ".md"})


def _suffix(name: str) -> str:
    return PurePosixPath(name.lower()).suffix


def is_table(name: str) -> bool:
    """A file name sandmle reads as a table (a `.zip` only when it is a zipped CSV, `x.csv.zip`)."""
    return name.lower().endswith(_TABLES)


@dataclass
class Inventory:
    """The public folder, listed. Media are relative paths (a zip's members as `zipname!member`)."""

    root: Path
    tables: list[str] = field(default_factory=list)
    zips: dict[str, list[str]] = field(default_factory=dict)
    media: dict[str, list[str]] = field(default_factory=dict)  # "image" | "audio" -> paths
    text_files: list[str] = field(default_factory=list)
    other: Counter = field(default_factory=Counter)  # suffix -> count (structure files such as .xyz)
    per_id: Counter = field(default_factory=Counter)  # "train/{id}/geometry.xyz" -> count: one file per row's id

    @property
    def has_images(self) -> bool:
        return bool(self.media.get("image"))

    @property
    def has_audio(self) -> bool:
        return bool(self.media.get("audio"))

    def folders_of(self, kind: str) -> Counter:
        """How many media files of this kind sit in each top-level folder (or zip)."""
        return Counter(p.split("/")[0].split("!")[0] for p in self.media.get(kind, []))

    def summary(self) -> dict[str, object]:
        """The inventory as JSON-able figures for the profile's details."""
        return {"tables": self.tables, "zips": {k: len(v) for k, v in self.zips.items()},
                "images": len(self.media.get("image", [])), "audio": len(self.media.get("audio", [])),
                "media_folders": sorted({*self.folders_of("image"), *self.folders_of("audio")}),
                "text_files": self.text_files, "other_files": dict(sorted(self.other.items())),
                "per_id_files": sorted(k for k, v in self.per_id.items() if v >= 2)}


def _media_kind(name: str) -> str | None:
    suffix = _suffix(name)
    return "image" if suffix in IMAGE else "audio" if suffix in AUDIO else None


def take_inventory(public: Path) -> Inventory:
    """List every file under `public`; zips (other than zipped CSVs) are listed by member, never extracted.

    Raises:
        SeedError: naming a zip that cannot be opened.
    """
    inv = Inventory(public)
    for path in sorted(p for p in public.rglob("*") if p.is_file()):
        rel = path.relative_to(public).as_posix()
        kind = _media_kind(rel)
        if kind:
            inv.media.setdefault(kind, []).append(rel)
        elif is_table(rel):
            inv.tables.append(rel)
        elif rel.lower().endswith(".zip"):
            try:
                with zipfile.ZipFile(path) as archive:
                    members = [m for m in archive.namelist() if not m.endswith("/")]
            except (zipfile.BadZipFile, OSError) as exc:
                raise SeedError(path, f"not a readable zip: {exc}") from exc
            inv.zips[rel] = members
            for member in members:
                kind = _media_kind(member)
                if kind:
                    inv.media.setdefault(kind, []).append(f"{rel}!{member}")
        elif _suffix(rel) in _TEXT:
            inv.text_files.append(rel)
        else:
            inv.other[_suffix(rel) or "(none)"] += 1
            parts = rel.split("/")
            if len(parts) == 3:  # nomad2018's `train/<id>/geometry.xyz`: a structure file per row
                inv.per_id[f"{parts[0]}/{{id}}/{parts[2]}"] += 1
    return inv


def _flatten(frame: pd.DataFrame) -> pd.DataFrame:
    """List cells become space-joined strings and dict cells JSON text, so every column is hashable."""
    nested = []
    for col in frame.columns:
        if frame[col].dtype == object and frame[col].map(lambda v: isinstance(v, (list, dict))).any():
            nested.append(str(col))
            frame[col] = frame[col].map(lambda v: " ".join(map(str, v)) if isinstance(v, list)
                                        else json.dumps(v, sort_keys=True) if isinstance(v, dict) else v)
    frame.attrs["list_columns"] = tuple(nested)
    return frame


def read_table(path: Path, nrows: int | None = None) -> pd.DataFrame:
    """Read a csv/tsv/parquet/json/zipped-csv table; list- and dict-valued cells are flattened to text.

    Raises:
        SeedError: naming the file when it is not a readable table.
    """
    name = path.name.lower()
    try:
        if name.endswith(".parquet"):
            frame = pd.read_parquet(path)
            frame = frame.head(nrows) if nrows else frame
        elif name.endswith(".tsv"):
            frame = pd.read_csv(path, sep="\t", nrows=nrows)
        elif name.endswith(".jsonl"):
            frame = pd.read_json(path, lines=True, nrows=nrows)
        elif name.endswith(".json"):
            records = json.loads(path.read_text())
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records[:100]):
                raise ValueError("a JSON table must be a list of records (objects)")
            frame = pd.DataFrame.from_records(records[:nrows] if nrows else records)
        elif name.endswith(_TABLES):
            frame = pd.read_csv(path, nrows=nrows)  # .csv.zip / .csv.gz: pandas infers the compression
        else:
            raise ValueError("not a table (tables are .csv, .tsv, .parquet, .json, .jsonl, .csv.zip, .csv.gz)")
    except (OSError, ValueError, pd.errors.ParserError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise SeedError(path, f"unreadable table: {exc}") from exc
    return _flatten(frame)
