"""Drafting an image environment: classes from a domain's image vocabulary, and the hidden per-class patterns.

`draft` picks the classes and draws the hidden `ImageRule`: one pattern per class (under the domain's subject drawer
the motif its class name maps to, a detection task's look-alike and detected class included; without one a generic
silhouette + texture, classes sharing silhouettes more often as difficulty grows, so texture must tell them apart),
nuisance strengths that grow with difficulty, optional label noise, and 0–2 capture-setting metadata columns that
modulate the nuisance but carry only a faint class shift; a seed whose images are in colour also gets a palette
(`colour.py`), drawn last. Every number comes from the slot's draft rng.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sandmle_core.errors import SpecError
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.base import Draft, DraftContext, class_count_range
from sandmle_core.modalities.image import (
    colour,
    leaf,
    look,
    metadata,
    multilabel,
    onehot,
    ordinal,
    scenes,
    story,
    subjects,
)
from sandmle_core.modalities.image.named import NameLayout
from sandmle_core.modalities.image.rule import (
    IMAGE_COLUMN,
    SHAPE_POOLS,
    SHAPES,
    ClassPattern,
    ImageRule,
    MetadataColumn,
)
from sandmle_core.spec import Challenge, ColumnKind, ColumnSpec, TargetSpec, TaskType

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import Domain, ImageVocab
    from sandmle_core.profile import TaskProfile

__all__ = ["ID_COLUMN", "IMAGE_COLUMN", "draft", "is_colour_seed", "shape_pool"]

ID_COLUMN = "image_id"

# name, description, unit, mean, sd, decimals, effect on the image
_METADATA: tuple[tuple[str, str, str | None, float, float, int, str], ...] = (
    ("capture_exposure_ms", "exposure time of the capture", "ms", 20.0, 5.0, 2, "brightness"),
    ("sensor_gain_db", "sensor gain of the capture", "dB", 12.0, 3.0, 2, "noise"),
    ("focus_distance_cm", "focus distance of the lens at capture", "cm", 35.0, 8.0, 1, "none"),
    ("lens_temperature_c", "lens housing temperature at capture", "degC", 24.0, 2.5, 2, "none"),
)


def _r(value: float, digits: int = 4) -> float:
    return round(float(value), digits)


def shape_pool(subject: str) -> tuple[str, ...]:
    """The silhouettes a domain's classes are drawn from: its scene style's pool (`SHAPE_POOLS`), every shape when
    no style keyword matches the image subject."""
    return SHAPE_POOLS.get(scenes.subject_style(subject) or "", SHAPES)


def _patterns(k: int, rng: np.random.Generator, difficulty: float, n_shapes: int | None = None,
              angle_gap: float | None = None, pool: tuple[str, ...] = SHAPES, motifs: tuple[str, ...] = (),
              drawer: subjects.Drawer | None = None) -> tuple[ClassPattern, ...]:
    """One pattern per class, silhouettes drawn from `pool` (or, under a subject drawer, the class names' `motifs`,
    one per class); classes sharing a silhouette get well-separated texture orientations/frequencies."""
    if motifs:
        assignment = list(motifs)
    else:
        if n_shapes is None:
            n_shapes = int(np.clip(round(k * (0.7 - 0.25 * difficulty)), min(3, k), min(k, len(pool))))
        shapes = [pool[i] for i in rng.choice(len(pool), size=n_shapes, replace=False)]
        assignment = [shapes[i % n_shapes] for i in range(k)]
        assignment = [assignment[i] for i in rng.permutation(k)]
    tilt_range, scale = (drawer.tilt, drawer.scale) if drawer is not None else (90.0, 1.0)
    freq_grid = np.array([1.1, 1.6, 2.1, 2.6])
    patterns: list[ClassPattern | None] = [None] * k
    for shape in dict.fromkeys(assignment):
        # classes sharing a silhouette share its geometry too (up to a little spread): texture tells them apart
        members = [i for i, s in enumerate(assignment) if s == shape]
        base_angle, size, aspect, tilt = (rng.uniform(0.0, 180.0), scale * rng.uniform(0.45, 0.62),
                                          np.exp(rng.uniform(-0.2, 0.2)), rng.uniform(-tilt_range, tilt_range))
        freqs = rng.permutation(freq_grid)
        for j, i in enumerate(members):
            angle = (base_angle + j * (angle_gap or 180.0 / len(members)) + rng.uniform(-6.0, 6.0)) % 180.0
            patterns[i] = ClassPattern(
                shape=shape,
                size=_r(size + rng.uniform(-0.025, 0.025), 3),
                aspect=_r(aspect * np.exp(rng.uniform(-0.04, 0.04)), 3),
                tilt=_r(tilt + rng.uniform(-8.0, 8.0), 2),
                texture_freq=_r(freqs[j % len(freqs)] + rng.uniform(-0.15, 0.15), 3),
                texture_angle=_r(angle, 2) % 180.0,
                texture_amp=_r(rng.uniform(0.5, 0.8) * (1.0 - 0.2 * difficulty), 3),
                intensity=_r(rng.uniform(0.85, 1.0), 3),
            )
    return tuple(p for p in patterns if p is not None)


def _detection_patterns(rng: np.random.Generator, difficulty: float, pool: tuple[str, ...] = SHAPES,
                        drawer: subjects.Drawer | None = None, motifs: tuple[str, ...] = ()
                        ) -> tuple[ClassPattern, ...]:
    """The two patterns of a detection task (0 = look-alike, 1 = detected class), like a cactus or a tumour patch.

    Under a subject drawer each class shows its own motif (`motifs`: the look-alike's, the detected class's) on the
    drawer's shared substrate, as a multi-class task draws them (two classes mapped to one motif differ by texture,
    90 degrees apart), and the detected class is 20% stronger. Without one both share one generic silhouette, so the
    shape alone tells nothing; the detected class differs by a texture turned 45 degrees (not 90: a right angle made
    every orientation feature saturate at the label-noise ceiling, so the top three ladder levels tied) and is 20%
    brighter, a weak cue that intensity statistics and pixels can pick up. With two silhouettes the intensity
    statistics alone reached AUC 0.95 and the ladder's order was noise (issue 14)."""
    if drawer is not None:
        negative, positive = _patterns(2, rng, difficulty, motifs=motifs, drawer=drawer)
    else:
        negative, positive = _patterns(2, rng, difficulty, n_shapes=1, angle_gap=45.0, pool=pool)
    return negative, positive.model_copy(update={"intensity": _r(min(1.5, negative.intensity * 1.2), 3)})


def _class_weights(k: int, rng: np.random.Generator, imbalanced: bool) -> tuple[float, ...]:
    """Near-uniform shares, or log-normal ones (each class keeping at least a quarter of the uniform share)."""
    raw = np.exp(rng.normal(0.0, 0.7, k)) if imbalanced else rng.dirichlet(np.full(k, 60.0))
    shares = raw / raw.sum()
    shares = np.maximum(shares, 0.25 / k)
    shares = np.round(shares / shares.sum(), 4)
    shares[-1] = round(1.0 - shares[:-1].sum(), 4)
    return tuple(float(s) for s in shares)


def _metadata(k: int, rng: np.random.Generator, missing_rate: float) -> tuple[MetadataColumn, ...]:
    n_meta = int(rng.choice([0, 1, 2], p=[0.2, 0.4, 0.4]))
    picked = sorted(rng.choice(len(_METADATA), size=n_meta, replace=False)) if n_meta else []
    out = []
    for i in picked:
        name, description, unit, mean, sd, decimals, effect = _METADATA[int(i)]
        out.append(MetadataColumn(
            name=name, description=description, unit=unit, mean=mean, sd=sd, decimals=decimals,
            effect=effect,  # type: ignore[arg-type]
            class_shift=tuple(_r(v, 3) for v in rng.normal(0.0, 0.12, k)),
            missing_rate=_r(min(0.3, missing_rate), 4),
        ))
    return tuple(out)


def _multiclass_target(domain: Domain, vocab: ImageVocab, cardinality: int | None,
                       rng: np.random.Generator) -> tuple[int, tuple[str, ...], TargetSpec, str]:
    low, high = class_count_range(cardinality or 5)
    high = min(high, len(vocab.classes))
    if high < low:
        raise SpecError(f"domain {domain.key!r} has {len(vocab.classes)} image classes; the seed needs >= {low}")
    k = int(rng.integers(low, high + 1))
    classes = tuple(vocab.classes[int(i)] for i in sorted(rng.choice(len(vocab.classes), size=k, replace=False)))
    target = TargetSpec(columns=(vocab.label,), description=vocab.label_description, classes=classes)
    return k, classes, target, f"{domain.title}: {vocab.label.replace('_', ' ').title()} Recognition"


def _binary_target(domain_title: str, vocab: ImageVocab,
                   rng: np.random.Generator) -> tuple[int, tuple[str, ...], TargetSpec, str]:
    """A detection task: does the image show one class of the vocabulary (1) or a look-alike other class (0)?

    The classes are "0" and "1" (pattern 0 renders the look-alike, pattern 1 the detected class), so the target
    column and the submission keep a binary seed's shape: one 0/1 label, one probability per row."""
    negative, positive = (vocab.classes[int(i)] for i in rng.choice(len(vocab.classes), size=2, replace=False))
    target = TargetSpec(columns=(f"is_{positive}",), classes=("0", "1"), positive_class="1",
                        description=f"1 when the image shows {story.shown(vocab, positive)}, 0 when it shows "
                                    f"{story.shown(vocab, negative)} instead")
    return 2, (negative, positive), target, f"{domain_title}: {positive.replace('_', ' ').title()} Detection"


def _subject(vocab: ImageVocab, named: tuple[str, ...]
             ) -> tuple[subjects.Drawer | None, tuple[str, ...], tuple[str, ...]]:
    """The domain's subject drawer (None: generic silhouettes), each named class's motif, and the pool a shared
    pattern draws from: the style's silhouettes, or under a drawer the drawer's default (a graded task).

    A detection (binary) task draws its two classes' motifs (the look-alike's, then the detected class's) on the
    drawer's substrate, as a multi-class task does (since 2026-12-05). Two earlier designs lost the ladder's order:
    the detected class's motif for both classes (a drill-core slot's tau fell to 0.6), and the two motifs under the
    generic silhouettes' detection ladder (nearest neighbours on coarse pixels beat its position-free orientation
    level; a 12-slot fixture build fell from 12/12 accepted, tau 0.89, to 10/12, tau 0.73). With the detection
    ladder (`detection_ladder.py`: the classification ladder's first four levels, then gradients with pixels) the
    same 12 slots are 12/12 accepted at mean tau 0.91, min 0.73 (README, Subjects per domain)."""
    if vocab.drawer is None:
        return None, (), shape_pool(vocab.subject)
    drawer = subjects.DRAWERS[vocab.drawer]
    return drawer, tuple(subjects.motif_of(vocab.drawer, c) for c in named), (drawer.default,)


def _seed_layout(ctx: DraftContext, words: tuple[str, ...]) -> NameLayout | None:
    """The seed's labels-in-names layout (`named.py`) with this draft's class words, or None for other seeds.

    A word never holds the scheme's separator (`.` before the number, `_` before a suffixed label)."""
    recorded = (getattr(ctx.profile, "details", None) or {}).get("name_layout")
    if not recorded:
        return None
    seed = NameLayout.model_validate(recorded)
    separator = "." if seed.scheme == "prefix" else "_"
    return seed.model_copy(update={"words": tuple(w.replace(separator, "-") for w in words)})


def draft(ctx: DraftContext) -> Draft:
    """Draft the modality half of an image classification spec (see the module docstring).

    Raises:
        SpecError: when the domain has no image vocabulary, the task is neither binary nor multi-class, or the
            vocabulary has too few classes for the seed's label cardinality.
    """
    task = ctx.dna.task_type
    if task == TaskType.MULTICLASS and leaf.is_silhouette_seed(ctx.profile):  # silhouettes + descriptors (leaf)
        return leaf.draft(ctx)  # its vocabulary is the domain's silhouettes, not its image classes
    vocab = ctx.domain.image
    if vocab is None:
        raise SpecError(f"domain {ctx.domain.key!r} has no image vocabulary")
    if task == TaskType.MULTILABEL:  # ranzcr: independent findings, each its own curve (see multilabel.py)
        return multilabel.draft(ctx)
    if task == TaskType.BINARY and metadata.is_metadata_seed(ctx.profile):  # images + a metadata table (siim-isic)
        return metadata.draft(ctx)
    if task not in (TaskType.BINARY, TaskType.MULTICLASS, TaskType.ORDINAL):
        raise SpecError(f"image environments are binary or multi-class (or ordinal grades, multi-label findings), "
                        f"the seed is {task}")
    rng, difficulty = ctx.rng, float(ctx.difficulty)
    lesions = None
    if task == TaskType.ORDINAL:  # one shared pattern; the grade lives in the lesions (see ordinal.py)
        k = ordinal.grade_count(ctx.dna.label_cardinality)
        _, target, title = ordinal.draft_target(ctx.domain, k)
        lesions = ordinal.draft_lesions(k, rng, difficulty)
    names = None
    if task == TaskType.BINARY:
        k, words, target, title = _binary_target(ctx.domain.title, vocab, rng)
        names = _seed_layout(ctx, words)
    elif task == TaskType.MULTICLASS:
        k, classes, target, title = _multiclass_target(ctx.domain, vocab, ctx.dna.label_cardinality, rng)
        if get_metric(ctx.dna.metric).kind == "probability":  # plant pathology: one 0/1 column per class
            target = onehot.one_hot_target(classes, target.description or vocab.label_description)
        else:
            names = _seed_layout(ctx, classes)
    id_column = ID_COLUMN
    if names is not None:  # the seed's own id and label names (dogs vs. cats: `id,label`)
        id_column, label = ctx.profile.grading.id_column, ctx.profile.grading.target_columns[0]
        target = target.model_copy(update={"columns": (label,)})
    strength = min(1.0, difficulty + (0.2 if Challenge.NUISANCE_VARIATION in ctx.challenges else 0.0))
    drawer, motifs, pool = _subject(vocab, words if task == TaskType.BINARY
                                    else classes if task == TaskType.MULTICLASS else ())
    rule = ImageRule(
        image_size=32,
        patterns=(_patterns(1, rng, difficulty, pool=pool, drawer=drawer) * k if lesions is not None  # graded
                  else _detection_patterns(rng, difficulty, pool, drawer, motifs) if task == TaskType.BINARY
                  else _patterns(k, rng, difficulty, pool=pool, motifs=motifs, drawer=drawer)),
        class_weights=_class_weights(k, rng, Challenge.CLASS_IMBALANCE in ctx.challenges),
        jitter=_r(0.06 + 0.1 * strength),
        scale_sd=_r(0.05 + 0.07 * strength),
        rotation_sd=_r(8.0 + 14.0 * strength, 2),
        background_range=(0.05, _r(0.2 + 0.12 * strength)),
        contrast_range=(_r(0.55 - 0.25 * strength), 0.8),
        illumination=_r(0.03 + 0.12 * strength),
        noise_sd=_r(0.05 + 0.07 * strength),
        blotch_rate=_r(0.3 + 0.7 * strength),
        blotch_radius=(0.08, _r(0.15 + 0.1 * strength)),
        label_noise=_r(0.03 + 0.07 * difficulty) if Challenge.LABEL_NOISE in ctx.challenges else 0.0,
        # a labels-in-names seed ships no table to hold capture settings
        metadata=() if names is not None else _metadata(k, rng, max(0.0, ctx.dna.missing_rate)),
        lesions=lesions,
        # a seed whose training photos carry their label in their names gets such names: its own layout when the
        # profile records one (`names`), else `images/<id>_<label>.png` next to train.csv (read after every draw)
        label_in_name=names is None and bool((getattr(ctx.profile, "details", None) or {}).get("labels_in_names",
                                                                                                 False)),
        names=names,
        # the domain's ground (cells, leaf, terrain, ...), drawn last so every earlier draw stays as it was
        scene=(None if drawer is not None and not drawer.scene
               else scenes.draft_scene(vocab.subject, rng, strength, graded=lesions is not None)),
        drawer=vocab.drawer if drawer is not None else None,
    )
    # the domain's tone curve and grain (issue 16: domains sharing a scene style looked alike), drawn before the
    # palette, so that a colour seed's draft and its grayscale twin render the same luminance
    rule = rule.model_copy(update={"look": look.draft_look(ctx.domain.key, rng)})
    coloured = is_colour_seed(ctx.profile)
    if coloured:  # a colour seed's palette, drawn after every other draw (a grayscale draft draws nothing more)
        scene_style = rule.scene.style if rule.scene is not None else None
        rule = rule.model_copy(update={"colour": colour.draft_colour(vocab.subject, scene_style, rng)})
    return _assemble(ctx, rule, names, id_column, target, title, coloured)


def _assemble(ctx: DraftContext, rule: ImageRule, names: NameLayout | None, id_column: str, target: TargetSpec,
              title: str, coloured: bool) -> Draft:
    """The drafted rule as a Draft: the image column (and metadata columns) described as the environment ships them."""
    vocab = ctx.domain.image
    size = rule.image_size
    if names is not None:
        kind = ("RGB " if coloured else "") + ("JPEG" if names.image_format == "jpeg" else "PNG")
        column = ColumnSpec(name=IMAGE_COLUMN, kind=ColumnKind.IMAGE,
                            description=f"an image ({colour.colour_subject(vocab.subject, coloured)}, {size}x{size} "
                                        f"pixels, {kind}) in `{names.part('train')}` (its name carries its label) or "
                                        f"`{names.part('test')}` (named by its id)")
        return Draft(id_column=id_column, columns=(column,), target=target, rule=rule, title=title,
                     story_template=story.story(ctx.domain, colour=True) if coloured else None)
    columns = [ColumnSpec(name=IMAGE_COLUMN, kind=ColumnKind.IMAGE,
                          description=f"path of the image ({colour.colour_subject(vocab.subject, coloured)}, "
                                      f"{size}x{size} pixels, {'RGB PNG' if coloured else 'PNG'}), relative to "
                                      f"the data folder"
                                      + ("; a training image's name ends in its label, `_<label>`"
                                         if rule.label_in_name else ""))]
    columns += [ColumnSpec(name=m.name, kind=ColumnKind.NUMERIC, description=m.description, unit=m.unit,
                           nullable=m.missing_rate > 0) for m in rule.metadata]
    graded = rule.lesions is not None  # an ordinal task: its story ends on what the grade is for
    told = story.story(ctx.domain, colour=coloured, beside="the capture settings recorded with it",
                       graded=graded) if rule.metadata else None
    return Draft(id_column=ID_COLUMN, columns=tuple(columns), target=target, rule=rule, title=title,
                 story_template=told or (story.story(ctx.domain, colour=coloured, graded=graded)
                                         if coloured or graded else None))


def is_colour_seed(profile: TaskProfile | None) -> bool:
    """Whether the seed's profile says its images are in colour (`colour_profile`); no profile = grayscale."""
    return bool((getattr(profile, "details", None) or {}).get("colour", False))
