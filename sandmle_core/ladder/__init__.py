"""The solution ladder: standalone scripts of rising strength per task type, and how they are configured.

A ladder script reads `./public/` (train.csv, test.csv, media), writes `./submission.csv`, and uses only pandas,
numpy, scikit-learn and pillow. It is rendered from a `LadderConfig` — which can be built from a drafted TaskSpec or
from a real seed's TaskProfile, so the SAME ladder runs on a synthetic environment and on the real task (the fidelity
benchmark compares the two rankings). Every script takes its rng seed from the environment variable `SANDMLE_SEED`
(default 0): all `random_state`s use it. `SANDMLE_SUBSAMPLE` says what it fits on: "1" a seeded 90% subsample of the
training rows — the spread of competitor choices that the synthetic leaderboard is made of — and "0" every row; unset,
a seed other than 0 subsamples. The harness sets both: the build's seed 0 fits every row, its seeds 1-2 subsample, and
a fresh re-run of the ladder (`bench.medals`) fits every row on the first seed of its set, as the build does.

Each modality package writes its own ladder (`ModalityKit.ladder`, in `sandmle_core.modalities.<name>.ladder`), levels
numbered from 0 (the uninformed prior/mean, the sample-submission strategy) upward; this package holds only what the
ladders share: the config, the script value, `ladder_for`, and the sandboxed harness that runs them.

Imports: pydantic and the shared vocabulary; `ladder_for` and `configs` look the modality up in the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sandmle_core.spec import Modality, TaskType

__all__ = ["SEED_ENV", "SUBSAMPLE_ENV", "LadderConfig", "LadderScript", "ladder_for"]

SEED_ENV = "SANDMLE_SEED"
SUBSAMPLE_ENV = "SANDMLE_SUBSAMPLE"  # "1" a seeded 90% subsample, "0" every row
MetricKind = Literal["probability", "class_probabilities", "label", "value", "ranked_list"]


class LadderConfig(BaseModel):
    """What a ladder script needs to know about its task.

    Attributes:
        metric_kind: what each submission column holds — "probability" (one probability per target column, binary
            or multi-label), "class_probabilities" (one column per class), "label" (a class label), "value" or
            "ranked_list" (space-separated item ids per query, best first).
        feature_columns: the columns to learn from; None = every train column except the id and the targets.
        text_column / image_column / date_column / audio_column: the special column of a text, image,
            time-series or audio task.
        name_layout: an image task without a label table whose training file names carry the label (dogs vs.
            cats): the `NameLayout` fields (`scheme`, `words` in class order, `container`, ...) as plain values.
        pair_columns: a link-prediction task's two end columns of its pair tables (a row is a node pair); left
            out of the serialised config when None.
        structure_file: the name of a tabular task's per-id structure files (`<part>/<id>/geometry.xyz`, nomad2018);
            left out of the serialised config when None.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    modality: Modality
    task_type: TaskType
    metric: str
    metric_kind: MetricKind
    id_column: str
    target_columns: tuple[str, ...]
    submission_columns: tuple[str, ...]
    classes: tuple[str, ...] | None = None
    feature_columns: tuple[str, ...] | None = None
    text_column: str | None = None
    image_column: str | None = None
    date_column: str | None = None
    audio_column: str | None = None
    name_layout: dict[str, object] | None = None
    pair_columns: tuple[str, str] | None = Field(default=None, exclude_if=lambda pair: pair is None)
    structure_file: str | None = Field(default=None, exclude_if=lambda name: name is None)


@dataclass(frozen=True)
class LadderScript:
    """One rung: `level` 0 is the weakest. `source` is the whole standalone script."""

    level: int
    name: str
    summary: str
    source: str

    @property
    def filename(self) -> str:
        return f"{self.level:02d}_{self.name}.py"


def ladder_for(config: LadderConfig) -> list[LadderScript]:
    """The ladder of a task, weakest first.

    Raises:
        ValueError: when the modality has no ladder or the ladder's levels are not 0, 1, 2, ... in order.
    """
    from sandmle_core.modalities import get_kit

    scripts = list(get_kit(config.modality).ladder(config))
    if [s.level for s in scripts] != list(range(len(scripts))) or len(scripts) < 5:
        raise ValueError(f"the {config.modality} ladder must have levels 0..n-1 with n >= 5")
    return scripts
