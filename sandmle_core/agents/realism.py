"""Realism checks: what an environment promises about its data is true of the data.

An agent reasons from the description and the catalog's units: a `panel_tilt_deg` of 276 or a percentage of 417, or
a target described as "1 (beginner) to 7 (elite)" whose answers hold 1…5, teaches it to distrust what it reads. These
checks hold every rule-declared range (features and a regression target) against the public and private values, and
the class vocabulary the description shows against the labels the answers hold, and the documents and the
description's prose against the marks of generated text (a word repeated three times in a row, a snake_case
vocabulary key).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sandmle_core.agents.base import Check
from sandmle_core.envfolder import EnvFolder
from sandmle_core.modalities.image.named import public_tables
from sandmle_core.modalities.image.variety import DUPLICATE_DISTANCE, ZipMember, near_duplicates
from sandmle_core.spec import ColumnKind, TaskType
from sandmle_core.taskspec import TaskSpec

__all__ = ["class_vocabulary_check", "declared_range_check", "distinct_images_check", "public_text_check",
           "realism_checks"]

# A scale in words: "1 (beginner) to 7 (elite)", "from 0 to 4", "1–5".
_SCALE = re.compile(r"(?<![\d.])(\d+)(?:\s*\([^)]*\))?\s*(?:to|–|-)\s*(\d+)(?![\d.])")
# a word (letters only: "0 0 0" in a reading is data, not a stutter) three or more times in a row: "the the the"
_STUTTER = re.compile(r"\b([^\W\d_]+)\b(?:\W+\1\b){2,}", re.IGNORECASE)
# a phrase of two or three words three or more times in a row: "no attempt no attempt no attempt"; counted and
# shown in the detail, not yet enforced — the offline text renderer no longer writes one ("more trial, more trial,
# more trial": 0 of 25,687 documents of the text families' acceptance slots), other modalities' text was not measured
_PHRASE = re.compile(r"\b((?:[^\W\d_]+\W+){1,2}?[^\W\d_]+)\b(?:\W+\1\b){2,}", re.IGNORECASE)
# a generator's identifier: lower-case words joined by underscores (`sort_code`, `change_address`)
_IDENTIFIER = re.compile(r"(?<![\w.])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w])")
# what markdown marks as code or a link target: names shown as names, not prose
_CODE = re.compile(r"```.*?```|`[^`\n]*`|\]\([^)]*\)", re.DOTALL)


def _declared_ranges(spec: TaskSpec) -> dict[str, tuple[float, float]]:
    """Column → (low, high) the hidden rule declares: numeric features, and the regression target(s)."""
    ranges: dict[str, tuple[float, float]] = {}
    for f in getattr(spec.rule, "features", ()) or ():
        if getattr(f, "kind", None) in ("numeric", "integer") and hasattr(f, "low") and hasattr(f, "high"):
            ranges[f.name] = (float(f.low), float(f.high))
    if spec.task_type == TaskType.REGRESSION and hasattr(spec.rule, "target_low"):
        ranges[spec.target.columns[0]] = (float(spec.rule.target_low), float(spec.rule.target_high))
    for t in getattr(spec.rule, "targets", ()) or ():  # each target of a multi-target regression
        ranges[t.name] = (float(t.low), float(t.high))
    return ranges


def declared_range_check(spec: TaskSpec, folder: EnvFolder) -> Check:
    """Every value of a range-declared column, in train, test and the answers, lies within [low, high]."""
    ranges = _declared_ranges(spec)
    outside, worst = 0, None
    extra = (folder.public / "nodes.csv", folder.public / "queries.csv")  # a graph's node table, a ranking's queries
    for path in (folder.train, folder.test, folder.answers, *extra):
        if not path.is_file() and path != folder.answers:
            continue  # a labels-in-names environment ships no tables; only a graph or ranking one ships `extra`
        table = pd.read_csv(path, usecols=lambda c: c in ranges)
        for col in table.columns:
            low, high = ranges[col]
            values = pd.to_numeric(table[col], errors="coerce").dropna()
            slack = 1e-9 * max(1.0, abs(low), abs(high))
            bad = values[(values < low - slack) | (values > high + slack)]
            if len(bad):
                outside += len(bad)
                worst = worst or f"{col} = {bad.iloc[0]} in {Path(path).name}, declared {low:g}–{high:g}"
    return Check(name="values_in_declared_range", group="realism", passed=outside == 0, figure=outside,
                 detail=worst or f"{len(ranges)} range-declared columns", repair="new_seed")


def class_vocabulary_check(spec: TaskSpec, folder: EnvFolder) -> Check | None:
    """The classes the description lists are the labels the data holds, and a numeric scale the target's wording
    names ("1 (beginner) to 7 (elite)") has both ends among the classes. None for tasks without a class list."""
    classes = spec.target.classes
    if not classes or spec.task_type not in (TaskType.BINARY, TaskType.MULTICLASS, TaskType.ORDINAL):
        return None
    target = spec.target.columns[0]
    named = public_tables(spec, folder.public)  # a labels-in-names environment: the classes its names give
    held: set[str] = set(named[0][target].dropna().astype(str)) if named is not None else set()
    for path in (folder.answers,) if named is not None else (folder.train, folder.answers):
        table = pd.read_csv(path, usecols=[target], dtype=str)
        held |= set(table[target].dropna())
    problems = [f"class {c!r} is in no label" for c in classes if c not in held]
    problems += [f"label {v!r} is not a listed class" for v in sorted(held - set(classes))]
    if all(c.lstrip("-").isdigit() for c in classes):
        named = {end for m in _SCALE.finditer(spec.target.description or "") for end in m.groups()}
        problems += [f"the target's scale names {n}, which is no class" for n in sorted(named - set(classes))]
    return Check(name="class_vocabulary_matches_answers", group="realism", passed=not problems,
                 figure=len(problems), detail="; ".join(problems[:3]) or f"{len(classes)} classes, all held",
                 repair="new_seed")


MAX_COMPARED_IMAGES = 3000  # pairwise thumbnails of 3000 images take ~0.3 s; a full-scale build checks a sample


def distinct_images_check(spec: TaskSpec, folder: EnvFolder) -> Check | None:
    """No two images the tables name are near-duplicates (`modalities.image.variety`): a test image copied from a
    training image is an answer lookup, and a renderer that ignores its nuisance teaches nothing. None when the
    environment has no image column; above MAX_COMPARED_IMAGES an evenly spaced sample is compared, and the detail
    says so."""
    columns = {c.name for c in spec.columns if c.kind == ColumnKind.IMAGE}
    if not columns:
        return None
    names: set[str] = set()
    named = public_tables(spec, folder.public)
    for frame in named if named is not None else (
            pd.read_csv(t, usecols=lambda c: c in columns, dtype=str) for t in (folder.train, folder.test)):
        names |= {str(v) for col in frame.columns if col in columns for v in frame[col].dropna()}
    # a zip member (dogs vs. cats' train.zip) is named `train.zip!cat.1.jpg` and read from its archive
    paths = sorted((_member(folder, n) for n in names if "!" in n or (folder.public / n).is_file()), key=str)
    step = max(1, -(-len(paths) // MAX_COMPARED_IMAGES))
    pairs = near_duplicates(paths[::step])
    sampled = f" (every {step}th of {len(paths)} images compared)" if step > 1 else ""
    first = (f"; closest: {_name(pairs[0][0])} and {_name(pairs[0][1])} at {pairs[0][2]}" if pairs else "")
    return Check(name="images_are_distinct", group="realism", passed=not pairs, figure=len(pairs),
                 detail=f"image pairs within thumbnail distance {DUPLICATE_DISTANCE}{sampled}{first}",
                 repair="new_seed")


def _member(folder: EnvFolder, ref: str) -> Path | ZipMember:
    """An image reference of a table as a file, or as (archive, member) for `a.zip!m`."""
    archive, sep, member = ref.partition("!")
    return (folder.public / archive, member) if sep else folder.public / ref


def _name(image: Path | ZipMember) -> str:
    return Path(image[1]).name if isinstance(image, tuple) else image.name


def _documents(spec: TaskSpec, folder: EnvFolder) -> list[str]:
    """The free-text values an agent reads: every text column of train.csv and test.csv."""
    columns = {c.name for c in spec.columns if c.kind == ColumnKind.TEXT}
    docs: list[str] = []
    for path in (folder.train, folder.test):
        if columns and path.is_file():
            table = pd.read_csv(path, usecols=lambda c: c in columns, dtype=str)
            docs += [v for col in table.columns for v in table[col].dropna()]
    return docs


def _file_names(public: Path) -> set[str]:
    """The names the public files themselves carry: their stems and the header fields of their tables (mlsp's
    `rec_id`, `class_id`), which a description may name as they are."""
    names: set[str] = set()
    for path in (*public.glob("*"), *public.glob("*/*")) if public.is_dir() else ():
        names.add(path.stem)
        if path.suffix in (".csv", ".txt", ".tsv") and path.is_file():
            with path.open(encoding="utf-8", errors="replace") as fh:
                names |= set(re.split(r"[,\t ]+", fh.readline().strip()))
    return names


def public_text_check(spec: TaskSpec, folder: EnvFolder) -> Check:
    """The text an agent reads is not generated-looking: no word three or more times in a row ("the the the") in a
    document or the description, and no generator identifier (`sort_code`) in a document or in the
    description's prose. The description may name the environment's own columns, classes and files, and anything in
    code marks (a column shown as `wound_type`) is a name, not prose. Documents repeating a two- or three-word phrase
    three times in a row ("more trial, more trial, more trial") are counted in the detail, not failed yet."""
    own = {*(c.name for c in spec.columns), *spec.target.columns, *(spec.target.classes or ()),
           spec.grading.id_column, *spec.grading.submission_columns, *spec.grading.passthrough_columns}
    own |= _file_names(folder.public)
    problems: list[str] = []
    docs = _documents(spec, folder)
    phrases = [m.group(0) for m in map(_PHRASE.search, docs) if m]
    for doc in docs:
        stutter, names = _STUTTER.search(doc), set(_IDENTIFIER.findall(doc)) - own
        if stutter or names:
            problems.append(f"document {doc[:60]!r}: " + (f"{stutter.group(0)!r} repeated" if stutter else
                                                          f"identifier {sorted(names)[0]!r}"))
    if folder.description.is_file():
        prose = _CODE.sub(" ", folder.description.read_text(encoding="utf-8"))
        stutter, names = _STUTTER.search(prose), sorted(set(_IDENTIFIER.findall(prose)) - own)
        if stutter:
            problems.append(f"description: {stutter.group(0)!r} repeated")
        if names:
            problems.append(f"description names generator identifiers outside code marks: {names[:3]}")
    noted = (f"; {len(phrases)} of {len(docs)} documents repeat a phrase three times in a row (not enforced yet), "
             f"e.g. {phrases[0]!r}") if phrases else ""
    return Check(name="public_text_reads_naturally", group="realism", passed=not problems, figure=len(problems),
                 detail=("; ".join(problems[:3]) or "no word three times in a row, no generator identifier") + noted,
                 repair="new_seed")


def realism_checks(spec: TaskSpec, staging: EnvFolder | Path) -> list[Check]:
    """The realism group of the verifier (see the module docstring)."""
    folder = EnvFolder.of(staging)
    checks = [declared_range_check(spec, folder), public_text_check(spec, folder)]
    vocabulary = class_vocabulary_check(spec, folder)
    images = distinct_images_check(spec, folder)
    return checks + ([vocabulary] if vocabulary else []) + ([images] if images else [])
