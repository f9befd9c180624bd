"""Image + feature-table many-class tasks (leaf-classification's shape): one `images/` folder of binary silhouettes
`<id>.jpg` for train and test ids together, 192 pre-extracted descriptors (`margin1..64`, `shape1..64`,
`texture1..64`) in train.csv and test.csv, one probability column per class scored by multi-class log loss.

`is_silhouette_seed` tells the image drafter that a seed is `image+tabular` multi-class; `draft` draws the hidden
`SilhouetteRule` (leaf_rule.py) over a domain's silhouette vocabulary — as many classes as the seed's own
cardinality asks (`class_count_range`, the convention every many-class seed follows: dog breeds' fixture draws 8–12),
at most as many as the vocabulary has — and `synthesize` writes the environment: integer ids shuffled over train and
test, the JPEGs, the tables, the answers (`id`, the class label) and the oracle.

Imports: numpy, pandas, Pillow, the image rule models and the shared modality contract.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from PIL import Image

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SpecError
from sandmle_core.modalities.base import Draft, DraftContext, SynthesisResult, class_count_range
from sandmle_core.modalities.classes import oracle_submission, plan_classes
from sandmle_core.modalities.image.leaf_render import BINS, render_batch
from sandmle_core.modalities.image.leaf_rule import HARMONICS, Outline, SilhouetteRule, TextureProfile
from sandmle_core.modalities.image.rule import ClassPattern, ImageRule
from sandmle_core.spec import ColumnKind, ColumnSpec, TargetSpec, TaskType

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import Domain
    from sandmle_core.taskspec import TaskSpec

__all__ = ["BLOCKS", "IMAGES_DIR", "data_files", "draft", "feature_names", "is_silhouette_seed", "story",
           "synthesize"]

ID_COLUMN = "id"
IMAGES_DIR = "images"
BLOCKS = ("margin", "shape", "texture")
CHUNK = 256  # images rendered per stream; fixed so that a chunk's stream never depends on the data size
_BLOCK_TEXT = {
    "margin": "of the outline's fine relief (the edge's deviation from its smoothed course: teeth show here)",
    "shape": "of the outline's distances from its centre (over their mean, from 0.35 to 1.65)",
    "texture": "of the surface texture, measured on the original photograph (not in the silhouette)",
}


def is_silhouette_seed(profile: Any) -> bool:
    """Whether a seed's profile records an image + tabular multi-class Task DNA (silhouettes and descriptors)."""
    dna = (getattr(profile, "details", None) or {}).get("dna") or {}
    return dna.get("modality") == "image+tabular" and dna.get("task_type") == TaskType.MULTICLASS.value


def feature_names() -> list[str]:
    """`margin1..margin64`, `shape1..shape64`, `texture1..texture64`, the seed's column names in its order."""
    return [f"{block}{j}" for block in BLOCKS for j in range(1, BINS + 1)]


def story(domain: Domain) -> str:
    """The story template of a silhouette task: the images and the descriptor table, and what is told from both."""
    vocab = domain.silhouettes
    return (f"Each image is {vocab.subject}; each row also carries 192 descriptors an extraction pipeline "
            "computed for the same object (margin, shape and texture histograms, noisy). From the image and the "
            "descriptors together the task is to tell {target}, as a specialist would.")


def data_files(spec: TaskSpec, files: list[str]) -> list[str]:
    """The description's data files: the one images folder, and what the three descriptor blocks hold."""
    size = spec.rule.silhouettes.image_size
    lines = [f"- `{IMAGES_DIR}/` — one binary grayscale JPEG silhouette ({size}x{size} pixels, white on black) per "
             f"row of train.csv and of test.csv, named `<{ID_COLUMN}>.jpg`; train and test images share the folder. "
             f"In train.csv the label `{spec.target.columns[0]}` comes right after `{ID_COLUMN}`, before the "
             "descriptors.",
             *[f"- `{b}1` … `{b}64` — a 64-bin histogram {_BLOCK_TEXT[b]}; each block sums to 1." for b in BLOCKS]]
    return [*files[:2], *lines, *files[2:]]


def _outline(rng: np.random.Generator) -> Outline:
    teeth = int(rng.choice([0, 0, 0, 9, 13, 18, 24, 30]))
    return Outline(amps=tuple(round(float(abs(rng.normal(0.0, 0.3 / h ** 0.6))), 4) for h in range(2, 2 + HARMONICS)),
                   phases=tuple(round(float(v), 4) for v in rng.uniform(0.0, 2 * np.pi, HARMONICS)),
                   aspect=round(float(np.exp(rng.uniform(0.0, 0.85))), 4), teeth=teeth,
                   tooth_depth=round(float(rng.uniform(0.04, 0.12)), 4) if teeth else 0.0)


def _texture(j: int, n: int, rng: np.random.Generator) -> TextureProfile:
    first = 0.1 + 0.8 * (j + 0.5 + rng.uniform(-0.2, 0.2)) / n  # spread over the bins, neighbours overlapping
    return TextureProfile(centres=(round(first, 4), round(float(rng.uniform(0.05, 0.95)), 4)),
                          widths=(round(float(rng.uniform(0.05, 0.1)), 4), round(float(rng.uniform(0.08, 0.2)), 4)),
                          second=round(float(rng.uniform(0.2, 0.7)), 4))


def _silhouette_rule(k: int, rng: np.random.Generator, difficulty: float) -> SilhouetteRule:
    """Classes in silhouette pairs, textures shared across pairs (see leaf_rule.py), knobs from the difficulty."""
    n = (k + 1) // 2
    m = max(2, round(n / 2))  # textures: each shared by about four classes of different silhouettes
    order = rng.permutation(k)  # which class gets which (silhouette, texture) pair: not the classes' name order
    sil, tex = [0] * k, [0] * k
    for slot, c in enumerate(order):
        # the two classes of one silhouette get textures half the texture range apart: the table splits them
        sil[int(c)], tex[int(c)] = slot // 2, (slot // 2 + (slot % 2) * (m // 2)) % m
    return SilhouetteRule(
        outlines=tuple(_outline(rng) for _ in range(n)), textures=tuple(_texture(j, m, rng) for j in range(m)),
        class_silhouette=tuple(sil), class_texture=tuple(tex),
        shape_jitter=round(0.06 + 0.08 * difficulty, 4), rotation_sd=round(6.0 + 10.0 * difficulty, 2),
        scale_sd=0.08, descriptor_noise=0.5, descriptor_points=round(16 - 6 * difficulty),
        texture_draws=round(80 - 50 * difficulty))


def draft(ctx: DraftContext) -> Draft:
    """Draft an image + descriptors many-class task: the silhouette rule, the 192 descriptor columns, the label.

    Raises:
        SpecError: when the domain has no silhouette vocabulary, or too few species for the seed's cardinality.
    """
    vocab = ctx.domain.silhouettes
    if vocab is None:
        raise SpecError(f"domain {ctx.domain.key!r} has no silhouette vocabulary")
    rng = ctx.rng
    low, high = class_count_range(ctx.dna.label_cardinality or 10)
    high = min(high, len(vocab.classes))
    if high < low:
        raise SpecError(f"domain {ctx.domain.key!r} has {len(vocab.classes)} species; the seed needs >= {low}")
    k = int(rng.integers(low, high + 1))
    classes = tuple(vocab.classes[int(i)] for i in sorted(rng.choice(len(vocab.classes), size=k, replace=False)))
    shares = rng.dirichlet(np.full(k, 60.0))
    weights = np.round(shares / shares.sum(), 4)
    weights[-1] = round(1.0 - weights[:-1].sum(), 4)
    flat = ClassPattern(shape="blob", size=0.4, aspect=1.0, tilt=0.0, texture_freq=1.0, texture_angle=0.0,
                        texture_amp=0.0, intensity=1.0)
    rule = ImageRule(image_size=32, patterns=(flat,) * k, class_weights=tuple(float(w) for w in weights), jitter=0.0,
                     scale_sd=0.0, rotation_sd=0.0, background_range=(0.0, 0.0), contrast_range=(0.0, 0.0),
                     illumination=0.0, noise_sd=0.0, blotch_rate=0.0, blotch_radius=(0.0, 0.0), label_noise=0.0,
                     silhouettes=_silhouette_rule(k, rng, float(ctx.difficulty)))
    columns = tuple(ColumnSpec(name=f"{b}{j}", kind=ColumnKind.NUMERIC,
                               description=f"{b} descriptor {j} of 64: one bin of a histogram {_BLOCK_TEXT[b]}")
                    for b in BLOCKS for j in range(1, BINS + 1))
    target = TargetSpec(columns=(vocab.label,), description=vocab.label_description, classes=classes)
    return Draft(id_column=ID_COLUMN, columns=columns, target=target, rule=rule,
                 title=f"{ctx.domain.title}: {vocab.label.replace('_', ' ').title()} from Silhouettes and Descriptors",
                 story_template=story(ctx.domain))


def _write_images(images: list[np.ndarray], ids: list[int], folder: Path, quality: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for pixels, i in zip(images, ids, strict=True):
        Image.fromarray(pixels, mode="L").save(folder / f"{i}.jpg", format="JPEG", quality=quality, optimize=False)


def synthesize(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
               n_test: int | None = None) -> SynthesisResult:
    """Write train/test CSVs, the silhouettes, the answers and the oracle of a silhouette spec under `folder`.

    Raises:
        SpecError: when the spec's rule has no silhouette rule, or the sizes are too small for the classes.
    """
    rule = getattr(spec.rule, "silhouettes", None)
    if not isinstance(rule, SilhouetteRule):
        raise SpecError("the silhouette synthesizer needs an image rule with a silhouette rule")
    plan = plan_classes(spec, len(rule.class_silhouette), spec.rule.class_weights, 0.0, "img", n_train, n_test)
    n = plan.n_train + plan.n_test
    ids = [int(v) + 1 for v in plan.streams("synth", "leaf-ids").permutation(n)]
    images, values = [], []
    for chunk, start in enumerate(range(0, n, CHUNK)):
        pixels, rows = render_batch(rule, plan.truth[start:start + CHUNK], plan.streams("synth", "pixels", chunk))
        images += pixels
        values.append(rows)
    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    _write_images(images, ids, folder.public / IMAGES_DIR, rule.jpeg_quality)
    target = spec.target.columns[0]
    frame = pd.DataFrame(np.round(np.vstack(values), 6), columns=feature_names())
    frame.insert(0, ID_COLUMN, ids)
    frame.insert(1, target, [plan.classes[int(c)] for c in plan.noisy])
    frame["_truth"] = plan.truth
    train = frame.iloc[:plan.n_train].sort_values(ID_COLUMN, kind="stable")
    test = frame.iloc[plan.n_train:].sort_values(ID_COLUMN, kind="stable")
    train.drop(columns=["_truth"]).to_csv(folder.train, index=False)
    test.drop(columns=[target, "_truth"]).to_csv(folder.test, index=False)
    test[[ID_COLUMN, target]].to_csv(folder.answers, index=False)
    oracle_submission(spec, test[ID_COLUMN].tolist(), test["_truth"].to_numpy(), plan.classes,
                      0.0).to_csv(folder.oracle_submission, index=False)
    counts = {c: int((train[target] == c).sum()) for c in plan.classes}
    stats = {"n_classes": len(plan.classes), "image_size": rule.image_size, "train_class_counts": counts,
             "test_class_counts": {c: int((test[target] == c).sum()) for c in plan.classes},
             "silhouettes": len(rule.outlines), "descriptor_columns": len(feature_names())}
    return SynthesisResult(folder=folder, n_train=plan.n_train, n_test=plan.n_test, stats=stats)
