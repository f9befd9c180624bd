"""The detection (binary) image ladder: the classification ladder's levels 0-3, then models that add features.

A detection task draws the domain's subject (`drafter._detection_patterns`): the detected class's motif against a
look-alike class's motif, on one shared substrate. Levels: 0 the training prior; 1 intensity statistics (+ numeric
metadata) with logistic regression; 2 nearest neighbours on 8x8 block-averaged pixels; 3 logistic regression on
standardized 16x16 pixels (the classification ladder's first four); 4 logistic regression on gradient-orientation
histograms of 8x8-pixel cells together with level 3's pixels; 5 the classification ladder's product of experts, its
linear half reading level 3's pixels too. Two motifs in fixed-ish places on a shared substrate differ as pixel
templates: on the 12-slot fixture build of the three binary image seeds, the classification ladder's level 4
(gradient histograms alone) fell below its level 3 in 6 of the 10 accepted slots (10/12 accepted, mean tau 0.81),
and the generic silhouettes' detection ladder (until 2026-12-05: kNN, intensity, a position-free orientation
histogram, HOG cells, ensemble) accepted 11/12 at mean tau 0.73; this one 12/12 at 0.91 (README, Subjects per
domain). Each script reuses the image ladder's prelude, so it runs on its own.
"""

from __future__ import annotations

from sandmle_core.ladder import LadderConfig, LadderScript
from sandmle_core.modalities.image.ladder import _LEVELS, _PRELUDE, _header

__all__ = ["scripts"]

_GRADIENTS_AND_PIXELS: tuple[str, str, str] = (
    "hog_pixels_logreg",
    "gradient-orientation histograms on 8x8-pixel cells and standardized 16x16 pixels, logistic regression", '''
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

train, test = load()


def features(x):
    return np.hstack([hog(smooth(x), 8), normalize(pool(x, SIZE // 16).reshape(-1, 16, 16))])


model = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=3000, random_state=SEED))
model.fit(features(images(train)), train[TARGET].astype(str))
write(test, model.classes_, model.predict_proba(features(images(test))))
''')

_GRADS = "grads = np.hstack([hog_pyramid(smooth(x)), hog(x, 8)])"
if _GRADS not in _LEVELS[5][2]:  # the ensemble below is the classification one with pixels added at this line
    raise ImportError("image ladder level 5 no longer builds its gradients as detection_ladder expects")
_ENSEMBLE: tuple[str, str, str] = (
    _LEVELS[5][0], _LEVELS[5][1].replace("multi-scale HOG", "multi-scale HOG and 16x16 pixels"),
    _LEVELS[5][2].replace(_GRADS, "grads = np.hstack([hog_pyramid(smooth(x)), hog(x, 8), "
                                  "normalize(pool(x, SIZE // 16).reshape(-1, 16, 16))])"))

LEVELS: tuple[tuple[str, str, str], ...] = (*_LEVELS[:4], _GRADIENTS_AND_PIXELS, _ENSEMBLE)


def scripts(config: LadderConfig) -> list[LadderScript]:
    """The detection ladder of a binary image task, weakest first (the caller has checked the config's shape)."""
    return [LadderScript(level=level, name=name, summary=summary,
                         source=_header(config, level, name, summary) + _PRELUDE + "\n" + body.lstrip("\n"))
            for level, (name, summary, body) in enumerate(LEVELS)]
