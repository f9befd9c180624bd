"""Ordinal image tasks (aptos' shape): a severity grade 0..K-1 told by the lesions an image carries.

Every grade renders the same silhouette and texture (one `ClassPattern` repeated), so the only signal is the
lesions `LesionRule` adds on top: spots whose expected count and size grow with the grade. `count_spread` — drafted
from the difficulty — makes the counts of adjacent grades overlap, so a grade is a noisy, ordered function of the
image and a model that predicts the grade as a number (regression, then rounding or tuned cut points) beats one that
treats grades as unrelated classes. `draft_target` and `draft_lesions` are the drafter's half, `add_lesions` the
synthesizer's.

Imports: numpy, the catalog schema (a domain's `image.grade`), errors and the image rule and spec models.
"""

from __future__ import annotations

import numpy as np

from sandmle_core.catalog.schema import Domain
from sandmle_core.errors import SpecError
from sandmle_core.modalities.image.rule import LesionRule
from sandmle_core.spec import TargetSpec

__all__ = ["add_lesions", "draft_lesions", "draft_target", "grade_count"]


def grade_count(seed_classes: int | None) -> int:
    """Grades of a drafted ordinal task: the seed's own count (aptos: 5), kept within 3..7."""
    return int(np.clip(seed_classes or 5, 3, 7))


def draft_target(domain: Domain, k: int) -> tuple[tuple[str, ...], TargetSpec, str]:
    """The grade target: classes "0".."k-1" (integer grades, as aptos' `diagnosis`), ordered from none to worst, of
    what the domain grades (`ImageVocab.grade`: "the severity of the damage to the panel").

    Raises:
        SpecError: when the domain grades nothing in its images."""
    grade = domain.image.grade if domain.image is not None else None
    if grade is None:
        raise SpecError(f"domain {domain.key!r} grades nothing in its images (no `image.grade`)")
    classes = tuple(str(g) for g in range(k))
    # the description names the scale's ends, not the lesions: how a grade shows in the image is the hidden rule
    target = TargetSpec(columns=("severity_grade",), classes=classes,
                        description=f"{grade.description}, from 0 (none) to {k - 1} (most severe)")
    return classes, target, f"{domain.title}: {grade.title} Grading"


def draft_lesions(k: int, rng: np.random.Generator, difficulty: float) -> LesionRule:
    """Lesion counts growing with the grade (steps of 1.6–2.6 spots), and a count spread set by the difficulty."""
    steps = rng.uniform(1.6, 2.6, k - 1)
    counts = np.concatenate([[rng.uniform(0.0, 0.4)], rng.uniform(0.0, 0.4) + np.cumsum(steps)])
    return LesionRule(
        mean_counts=tuple(round(float(c), 3) for c in counts),
        count_spread=round(0.1 + 0.35 * float(difficulty), 4),
        radius=round(float(rng.uniform(0.06, 0.09)), 4),
        depth=round(float(rng.uniform(0.3, 0.45)), 4),
        bright_share=round(float(rng.uniform(0.0, 0.4)), 4),
    )


def add_lesions(pixels: np.ndarray, grades: np.ndarray, lesions: LesionRule, rng: np.random.Generator
                ) -> np.ndarray:
    """Draw each image's grade lesions onto a batch of rendered uint8 images (m, S, S); returns uint8.

    Args:
        pixels: the rendered images.
        grades: each image's true grade (index into `lesions.mean_counts`).
        lesions: the rule's lesion model.
        rng: the batch's own stream (its draws do not depend on the pixel values).
    """
    m, size = pixels.shape[0], pixels.shape[1]
    mean = np.asarray(lesions.mean_counts)[grades]
    spread = lesions.count_spread
    lam = mean * np.exp(spread * rng.standard_normal(m) - spread**2 / 2.0)
    count = np.minimum(rng.poisson(lam), lesions.max_count)
    slots = lesions.max_count
    angle, reach = rng.uniform(0.0, 2 * np.pi, (m, slots)), 0.65 * np.sqrt(rng.uniform(0.0, 1.0, (m, slots)))
    radius = lesions.radius * (1.0 + 0.15 * grades)[:, None] * rng.uniform(0.8, 1.2, (m, slots))
    sign = np.where(rng.random((m, slots)) < lesions.bright_share, 1.0, -1.0)
    active = np.arange(slots)[None, :] < count[:, None]
    grid = (np.arange(size) + 0.5) / size * 2.0 - 1.0
    img = pixels.astype(np.float64) / 255.0
    for s in range(slots):
        cx, cy = (reach[:, s] * np.cos(angle[:, s]))[:, None, None], (reach[:, s] * np.sin(angle[:, s]))[:, None, None]
        r2 = (2.0 * radius[:, s] ** 2)[:, None, None]
        spot = np.exp(-((grid[None, None, :] - cx) ** 2 + (grid[None, :, None] - cy) ** 2) / r2)
        img = img + (active[:, s] * sign[:, s] * lesions.depth)[:, None, None] * spot
    return np.round(np.clip(img, 0.0, 1.0) * 255.0).astype(np.uint8)
