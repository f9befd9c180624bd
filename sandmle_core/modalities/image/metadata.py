"""Image + metadata tasks (siim-isic-melanoma-classification's shape): colour photographs of spots named by their id,
a metadata table beside them, a rare positive class scored by ROC AUC on `image_name,target`.

`is_metadata_seed` tells the image drafter that a seed's DNA is `image+tabular`; `draft` then drafts the hidden
`SpotRule` (see metadata_rule.py) with its noise knob `temperature` from the difficulty, and `synthesize` writes the
environment: sources (several images each) split whole between train and test — no source has images on both sides,
as no patient does in the seed, so a model cannot learn a test source's effect from its training images — the JPEGs
in `jpeg/train/` and `jpeg/test/`, train.csv with the metadata, the label and the two label-restating train-only
columns, test.csv with the metadata only, the answers and the oracle (the true probability of each row).

Imports: numpy, pandas, Pillow, the image rule models and the shared modality contract.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from PIL import Image

from sandmle_core.catalog import load_catalog
from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SpecError
from sandmle_core.modalities.base import Draft, DraftContext, SynthesisResult
from sandmle_core.modalities.image import story
from sandmle_core.modalities.image.metadata_render import render_spots
from sandmle_core.modalities.image.metadata_rule import SpotRule
from sandmle_core.modalities.image.rule import ClassPattern, ImageRule
from sandmle_core.slots import SlotStreams
from sandmle_core.spec import ColumnKind, ColumnSpec, TargetSpec

if TYPE_CHECKING:
    from sandmle_core.taskspec import TaskSpec

__all__ = ["ID_COLUMN", "JPEG_DIR", "SITES", "TRAIN_ONLY", "draft", "is_metadata_seed", "metadata_files", "synthesize"]

ID_COLUMN = "image_name"
TARGET = "target"
JPEG_DIR = "jpeg"
SITES = ("torso", "lower extremity", "upper extremity", "head/neck", "palms/soles")  # as the seed's records spell them
DEVICES = ("clinic camera", "phone camera")
SEXES = ("female", "male")  # as the seed's `sex` column writes them
TRAIN_ONLY = ("diagnosis", "outcome")
"""The label-restating train-only columns: the finding's name (or "unremarkable") and "positive"/"negative". The
seed's second one is `benign_malignant`; here the positive class is whatever the domain's finding is (a psoriasis
plaque, an incision), which "malignant" would misname."""
CHUNK = 512  # images rendered per batch; fixed so that a batch's stream never depends on the data size


def is_metadata_seed(profile: Any) -> bool:
    """Whether a seed's profile records an image + tabular Task DNA (images and a metadata table)."""
    dna = (getattr(profile, "details", None) or {}).get("dna") or {}
    return dna.get("modality") == "image+tabular"


def metadata_files(spec: TaskSpec, files: list[str]) -> list[str]:
    """The description's data files: the photographs' folders, what the metadata holds, and the train-only columns."""
    size = spec.rule.spots.image_size if getattr(spec.rule, "spots", None) is not None else 48
    meta = ", ".join(f"`{c.name}`" for c in spec.columns)
    group = _record_names(spec)[0]
    noun = group.removesuffix("_id").replace("_", " ")
    lines = [f"- `{JPEG_DIR}/train/` and `{JPEG_DIR}/test/` — one colour JPEG ({size}x{size} pixels) per row, named "
             f"`<{ID_COLUMN}>.jpg`: a close-up photograph of one spot.",
             f"- The metadata of each photograph ({meta}) is in train.csv and test.csv. Several photographs come from "
             f"one {noun} (`{group}`); a {noun}'s photographs are all in train or all in test.",
             f"- {', '.join(f'`{c}`' for c in TRAIN_ONLY)} are in train.csv only: they restate the label (the "
             "finding's name or \"unremarkable\"; \"positive\" or \"negative\") and are not available for the test "
             "photographs."]
    return [*files[:2], *lines, *files[2:]]


def _intercept(rule: dict[str, Any], prevalence: float, rng: np.random.Generator) -> float:
    """The intercept giving about this share of positives, by bisection on a fixed Monte Carlo sample."""
    n = 4000
    z = rng.standard_normal((5, n))
    site = np.asarray(rule["site_effects"])[rng.integers(0, len(rule["site_effects"]), n)]
    rest = (rule["w_border"] * z[0] + rule["w_colour"] * z[1] + rule["w_age"] * z[2] + site
            + rule["device_effect"] * (z[3] > 0) + rule["source_sd"] * z[4])
    low, high = -6.0, 0.0
    for _ in range(40):
        mid = (low + high) / 2
        share = float(np.mean(1.0 / (1.0 + np.exp(-(mid + rest) / rule["temperature"]))))
        low, high = (mid, high) if share < prevalence else (low, mid)
    return round((low + high) / 2, 4)


def draft(ctx: DraftContext) -> Draft:
    """Draft an image + metadata binary task: the spot rule, the metadata columns and the `target` column.

    Raises:
        SpecError: when the domain has no image vocabulary.
    """
    vocab = ctx.domain.image
    if vocab is None:
        raise SpecError(f"domain {ctx.domain.key!r} has no image vocabulary")
    rng, difficulty = ctx.rng, float(ctx.difficulty)
    name = vocab.classes[int(rng.integers(0, len(vocab.classes)))]
    positive = story.shown(vocab, name)  # "a vascular lesion"
    group = vocab.group.column if vocab.group is not None else "source_id"  # "patient_id": whose photographs
    noun = vocab.group.noun if vocab.group is not None else "source"
    fields: dict[str, Any] = {
        "w_border": round(float(rng.uniform(1.8, 2.2)), 4), "w_colour": round(float(rng.uniform(1.7, 2.0)), 4),
        "w_age": round(float(rng.uniform(1.1, 1.3)), 4),
        "site_effects": tuple(round(float(v), 4) for v in rng.normal(0.0, 0.6, len(SITES))),
        "device_effect": round(float(rng.uniform(-0.25, 0.25)), 4), "source_sd": round(float(rng.uniform(0.2, 0.4)), 4),
        "temperature": round(0.55 + 0.9 * difficulty, 4),  # the noise knob: the verifier's repair moves it
    }
    spots = SpotRule(intercept=_intercept(fields, float(rng.uniform(0.14, 0.2)), rng), **fields)
    surface, focus = look(ctx.slot)
    spots = spots.model_copy(update={"surface": surface, "focus": focus, "finding": name.replace("_", " "),
                                     "sex_effect": round(float(rng.uniform(0.1, 0.3)), 4)})  # drawn last
    left_out = _left_out(ctx)
    flat = ClassPattern(shape="blob", size=0.4, aspect=1.0, tilt=0.0, texture_freq=1.0, texture_angle=0.0,
                        texture_amp=0.0, intensity=1.0)
    rule = ImageRule(image_size=32, patterns=(flat, flat), class_weights=(0.83, 0.17), jitter=0.15, scale_sd=0.18,
                     rotation_sd=0.0, background_range=(0.0, 0.0), contrast_range=(0.0, 0.0), illumination=0.12,
                     noise_sd=0.03, blotch_rate=0.8, blotch_radius=(0.0, 0.0), label_noise=0.0, spots=spots)
    columns = (
        ColumnSpec(name=group, kind=ColumnKind.CATEGORICAL,
                   description=f"the {noun} the photograph was taken of (several photographs per {noun}; a {noun}'s "
                               "photographs are all in train or all in test)"),
        ColumnSpec(name="capture_device", kind=ColumnKind.CATEGORICAL, levels=DEVICES,
                   description="the camera that took the photograph"),
        ColumnSpec(name=f"{noun.replace(' ', '_')}_age", kind=ColumnKind.NUMERIC, unit="years",
                   description=f"the {noun}'s approximate age, in steps of 5 years"),
        ColumnSpec(name=f"{noun.replace(' ', '_')}_sex", kind=ColumnKind.CATEGORICAL, levels=SEXES,
                   description=f"the {noun}'s sex as recorded at the visit"),
        ColumnSpec(name="site", kind=ColumnKind.CATEGORICAL, levels=SITES, nullable=True,
                   description="where on the body the spot sits"),
    )
    columns = tuple(c for c in columns if _role(c.name) not in left_out)  # their label effects stay: records not kept
    # the rarity after the ", 0 ..." clause: the story's phrase ("whether the spot in the photograph is an incision")
    # ends before it (was "... is an incision (rare)", and "the spot in the image (a wound-care photograph)")
    target = TargetSpec(columns=(TARGET,), classes=("0", "1"), positive_class="1",
                        description=f"1 when the spot in the photograph is {positive}, 0 otherwise (the positives "
                                    "are a minority: roughly one photograph in six)")
    return Draft(id_column=ID_COLUMN, columns=columns, target=target, rule=rule,
                 title=f"{ctx.domain.title}: {name.replace('_', ' ').title()} Detection from Images and Records",
                 story_template=story.story(ctx.domain, colour=True,  # its JPEGs are colour photos
                                            beside=f"the {noun}'s record"))


LEFT_OUT = ((), ("capture_device",), ("site",), ("age",), ("capture_device", "site"), ("capture_device", "age"),
            ("age", "site"), ("sex",), ("capture_device", "sex"), ("site", "sex"), ("age", "sex"))
"""Record columns a slot leaves out of its public tables, by its visit to its domain (`_left_out`): only the skin
domains host this shape, and two slots of one domain with the same public schema are near-duplicates (the second
is not published), so a domain's visits take these eleven schemas in turn (none, one or two of the four left out;
seven, and 14 environments a seed, before the sex column)."""


def _role(column: str) -> str:
    """A record column's role in `LEFT_OUT`: "age" for the `<noun>_age` column, "sex" for `<noun>_sex`, else its
    name."""
    return "age" if column.endswith("_age") else "sex" if column.endswith("_sex") else column


def _visit(ctx: DraftContext) -> int:
    """The slot's visit to its domain: slots take the hosting domains in turn, so it is the slot's index over their
    number."""
    return ctx.slot // (sum(1 for d in load_catalog().domains if d.image is not None and d.image.skin_spots) or 1)


def _left_out(ctx: DraftContext) -> set[str]:
    """The record columns this slot leaves out: its visit to its domain picks one of `LEFT_OUT`."""
    return set(LEFT_OUT[_visit(ctx) % len(LEFT_OUT)])


UNDERTONES = ((1.1, -0.3, -1.1), (1.2, -0.4, -0.8), (0.9, -0.15, -1.2))
"""Warm, rosy and olive: how far each RGB channel of a surface tone departs from grey, per unit of its chroma (which
grows from light to dark skin: R/B 1.3 at the lightest tone, 2.4 at the darkest, and green falls with blue, so
that a dark tone is brown rather than khaki)."""

TONE_ORDER = (0, 6, 3, 9, 1, 7, 4, 10, 2, 8, 5, 11)
"""The order a seed's slots take the twelve tones in: the first few slots already span light to dark."""

SOFT_FOCUS = 1.0
"""The focus blur (pixels) of a seed's second dozen slots, which also sit half a tone step darker than the first."""


def look(slot: int) -> tuple[tuple[float, float, float], float]:
    """The surface tone (RGB, 0-1) and focus blur of a slot's photographs: slots 0-11 take twelve tones whose grey
    levels lie 7 % apart (0.80 down to 0.36; warm, rosy and olive in turn, browner as they darken) in `TONE_ORDER`,
    sharp; slots 12-23 the same half a step darker and soft (`SOFT_FOCUS`); then again.

    Environments of one seed must not look alike in pixel statistics (`variety.ALIKE_FACTOR`: within 1.5x of what
    two samples of one rule differ by), and the seed's two host domains give it 22 distinct record schemas. On
    150-image renders (2026-12-07) every pair of the 24 looks lies at least 2.1x its null apart (the closest: a dark
    tone, sharp, and its soft twin); a look against a second draw of itself, 1.4x. Before, six tones by the slot's
    visit to its domain, with a drawn tint of +-6 %, repeated within 22 slots: a build of 22 accepted 19 and failed
    3 as alike.
    """
    half = (slot // len(TONE_ORDER)) % 2
    step = TONE_ORDER[slot % len(TONE_ORDER)]
    chroma = 0.12 + 0.0255 * step
    ratios = 1.0 + chroma * np.array(UNDERTONES[step % len(UNDERTONES)])
    grey = 0.80 * 0.93 ** (step + 0.5 * half)
    rgb = np.clip(ratios / (ratios @ np.array([0.299, 0.587, 0.114])) * grey, 0.2, 0.95)
    return (round(float(rgb[0]), 4), round(float(rgb[1]), 4), round(float(rgb[2]), 4)), SOFT_FOCUS * half


def _sources(n: int, low: int, high: int, rng: np.random.Generator) -> np.ndarray:
    """Source index of each of n rows: sources of low..high images each (the last one cut to fit)."""
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(int(rng.integers(low, high + 1)))
    sizes[-1] -= sum(sizes) - n
    return np.repeat(np.arange(len(sizes)), sizes)


def _record_names(spec: TaskSpec) -> tuple[str, str, str]:
    """A spec's group column (the draft's first record column: whose photographs, "patient_id"), age column
    ("patient_age"; "source_age" when the slot leaves it out, and then it is not written) and sex column (the same)."""
    group = spec.columns[0].name if spec.columns else "source_id"
    return (group, next((c.name for c in spec.columns if c.name.endswith("_age")), "source_age"),
            next((c.name for c in spec.columns if c.name.endswith("_sex")), "source_sex"))


def _records(spots: SpotRule, n_train: int, n_test: int, streams: SlotStreams, group: str,
             age: str, sex: str) -> pd.DataFrame:
    """One row per image: its group ("PAT_00001" in `group`), metadata, latents, true probability and label (train
    rows first). A source's sex comes from a stream of its own, so the other records stay as they were drawn."""
    rng = streams("synth", "records")
    src = np.concatenate([_sources(n_train, *spots.images_per_source, rng),
                          _sources(n_test, *spots.images_per_source, rng) + n_train])  # disjoint sources
    ages = np.clip(np.round(rng.normal(52.0, 15.0, n_train + n_test) / 5.0) * 5.0, 15.0, 90.0)[src]
    effect = rng.normal(0.0, spots.source_sd, n_train + n_test)[src]
    n = len(src)
    site = rng.integers(0, len(SITES), n)
    device = (rng.random(n) < 0.5).astype(int)
    border, colour = rng.standard_normal(n), rng.standard_normal(n)
    male = (streams("synth", "sex").random(n_train + n_test) < 0.5).astype(int)[src]
    logit = (spots.intercept + spots.w_border * border + spots.w_colour * colour
             + spots.w_age * (ages - 52.0) / 15.0 + np.asarray(spots.site_effects)[site]
             + spots.device_effect * device + spots.sex_effect * male + effect)
    p = 1.0 / (1.0 + np.exp(-logit / spots.temperature))
    y = (rng.random(n) < p).astype(int)
    for part in (slice(0, n_train), slice(n_train, n)):  # both classes on both sides: AUC needs them
        need = (2 if part.start == 0 else 1) - int(y[part].sum())
        if need > 0:
            negatives = np.flatnonzero(y[part] == 0) + part.start
            y[negatives[np.argsort(-p[negatives], kind="stable")[:need]]] = 1
    width = max(7, len(str(n - 1)))
    names = [f"IMG_{i:0{width}d}" for i in streams("synth", "ids").permutation(n) + 1]
    site_names = np.asarray(SITES, dtype=object)[site]
    site_names[rng.random(n) < spots.missing_site] = None
    return pd.DataFrame({ID_COLUMN: names, group: [f"{group[:3].upper()}_{s:05d}" for s in src],
                         "capture_device": np.asarray(DEVICES)[device], age: ages, sex: np.asarray(SEXES)[male],
                         "site": site_names,
                         TARGET: y, "_p": p, "_border": border, "_colour": colour})


def _write_images(frame: pd.DataFrame, spots: SpotRule, streams: SlotStreams, public: Path, n_train: int) -> None:
    for part in ("train", "test"):
        (public / JPEG_DIR / part).mkdir(parents=True, exist_ok=True)
    for chunk, start in enumerate(range(0, len(frame), CHUNK)):
        rows = frame.iloc[start:start + CHUNK]
        pixels = render_spots(rows["_border"].to_numpy(), rows["_colour"].to_numpy(), spots.image_size,
                              streams("synth", "pixels", chunk), spots.surface, spots.focus)
        for row, (name, array) in enumerate(zip(rows[ID_COLUMN], pixels, strict=True)):
            part = "train" if start + row < n_train else "test"
            Image.fromarray(array, mode="RGB").save(public / JPEG_DIR / part / f"{name}.jpg", format="JPEG",
                                                   quality=spots.jpeg_quality, optimize=False)


def synthesize(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
               n_test: int | None = None) -> SynthesisResult:
    """Write train/test CSVs, the JPEGs, the answers and the oracle of an image + metadata spec under `folder`.

    Raises:
        SpecError: when the spec's rule has no spot rule.
    """
    spots = getattr(spec.rule, "spots", None)
    if not isinstance(spots, SpotRule):
        raise SpecError("the image + metadata synthesizer needs an image rule with a spot rule")
    n_train = spec.n_train if n_train is None else int(n_train)
    n_test = spec.n_test if n_test is None else int(n_test)
    streams = SlotStreams.of(spec)
    group, age, sex = _record_names(spec)
    frame = _records(spots, n_train, n_test, streams, group, age, sex)
    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    _write_images(frame, spots, streams, folder.public, n_train)
    frame["diagnosis"] = np.where(frame[TARGET] == 1, spots.finding or "positive finding", "unremarkable")
    frame["outcome"] = np.where(frame[TARGET] == 1, "positive", "negative")
    public_cols = [ID_COLUMN, *[c.name for c in spec.columns]]
    train = frame.iloc[:n_train].sort_values(ID_COLUMN, kind="stable")
    test = frame.iloc[n_train:].sort_values(ID_COLUMN, kind="stable")
    train[[*public_cols, TARGET, *TRAIN_ONLY]].to_csv(folder.train, index=False)
    test[public_cols].to_csv(folder.test, index=False)
    test[[ID_COLUMN, TARGET]].to_csv(folder.answers, index=False)
    test[[ID_COLUMN]].assign(**{TARGET: test["_p"].round(6).to_numpy()}).to_csv(folder.oracle_submission,
                                                                               index=False)
    stats = {"n_classes": 2, "image_size": spots.image_size, "metadata_columns": [c.name for c in spec.columns],
             "train_class_counts": {str(k): int((train[TARGET] == k).sum()) for k in (0, 1)},
             "test_class_counts": {str(k): int((test[TARGET] == k).sum()) for k in (0, 1)},
             "train_sources": int(train[group].nunique()), "test_sources": int(test[group].nunique()),
             "train_only_columns": list(TRAIN_ONLY)}
    return SynthesisResult(folder=folder, n_train=n_train, n_test=n_test, stats=stats)
