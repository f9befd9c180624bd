"""The hidden rule of a tabular environment: a small structural causal model.

Latent variables z ~ N(0, I) drive every feature. A feature's clean value is a standardized mix of latents and its
own noise, `u = (loadings · z + noise · e) / norm`; what the agent sees is `u` mapped into the feature's unit range
(linearly or through an exponential for skewed features), rounded, and then damaged by missingness and outliers.
The target is computed from the CLEAN values through `terms` (linear, square, hinge, sine, interaction and
categorical level effects), calibrated at draft time (`scale`, `bias`) so the signal has unit variance and the
classes have the drafted priors, plus noise. A multi-target regression has one signal output per target column
(`targets`): the outputs share the latents, the features and part of their term weights, so the targets are
correlated as measurements of one entity are. The agent never sees this model; config.yaml stores it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sandmle_core.modalities.tabular.structure import StructureRule

__all__ = ["FeatureRule", "TabularRule", "TargetRule", "Term"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FeatureRule(_Frozen):
    """How one public column is generated from the latents.

    Attributes:
        loadings: weight of each latent variable; noise: weight of the feature's own noise.
        transform: `linear` maps u into [low, high] around the middle; `exp` gives a right-skewed feature.
        level_loadings: for a categorical, one latent-weight vector per level (the level is the argmax of
            `level_loadings · z + Gumbel noise * level_noise`).
        missing: share of missing values; missing_mode `mar` (at random) or `mnar` (high values go missing).
        outlier_share: share of rows whose value lands in the top of [low, high], far above the bulk (which then
            fills the range's lower part); every value stays inside the declared range.
    """

    name: str
    kind: Literal["numeric", "integer", "categorical"]
    loadings: tuple[float, ...]
    noise: float
    transform: Literal["linear", "exp"] = "linear"
    skew: float = 0.0
    low: float = 0.0
    high: float = 1.0
    decimals: int = 2
    levels: tuple[str, ...] = ()
    level_loadings: tuple[tuple[float, ...], ...] = ()
    level_noise: float = 1.0
    missing: float = 0.0
    missing_mode: Literal["none", "mar", "mnar"] = "none"
    outlier_share: float = 0.0


class Term(_Frozen):
    """One additive piece of the target's signal, evaluated on clean standardized feature values.

    `weights` has one entry per output (1 for binary/regression/ordinal, K classes, or M labels); for `level`
    terms `effects` holds one row per output with one effect per level of the categorical.
    """

    op: Literal["linear", "square", "hinge", "sine", "interaction", "level"]
    features: tuple[str, ...] = Field(min_length=1, max_length=2)
    weights: tuple[float, ...] = ()
    effects: tuple[tuple[float, ...], ...] = ()
    knot: float = 0.0


class TargetRule(_Frozen):
    """How one target column of a multi-target regression maps its signal output into its unit.

    The value is `mid + half * (signal + noise)` on the target's scale, clipped to [low, high] and rounded to
    `decimals`; on the log1p scale (`log1p`, for targets graded by RMSLE) mid and half span log1p(low)..log1p(high),
    so the value is never negative and its error is multiplicative, as RMSLE measures it. `noise_sd` is the
    target's own noise in signal units (the difficulty knob the strategist drafts and the verifier's repairs move).
    """

    name: str
    low: float
    high: float
    decimals: int = 2
    noise_sd: float = Field(ge=0.0)
    log1p: bool = False


class TabularRule(_Frozen):
    """The whole hidden model of a tabular environment.

    Attributes:
        n_latent: number of latent variables.
        outputs: number of signal outputs (1, K classes for multi-class, M labels for multi-label).
        scale, bias: per-output calibration (signal = (raw - center) * scale; bias sets class priors).
        center: per-output mean of the raw signal on the calibration sample.
        slope: sharpness of class probabilities (logit = slope * signal + bias).
        noise_sd: noise added to the signal of regression and ordinal targets.
        cutpoints: ordinal thresholds on the noisy signal (K - 1 of them).
        target_low, target_high, log_target: how a regression signal maps into the target's unit.
        label_noise: share of labels replaced at random.
        test_shift: shift of the first latent's mean for the test rows (train/test shift).
        targets: a multi-target regression's per-column mappings, one per output (empty for every other task).
        noise_share: the part of the target noise the targets of a multi-target regression share (their noise is
            correlated as well as their signal).
        ids_restart: ids are 1, 2, 3, ... in train.csv and again from 1 in test.csv, so train and test ids overlap
            (the seed's own quirk, kept: nomad2018 numbers its crystals that way).
        structure: the per-id structure files of a seed that ships them (nomad2018's `<part>/<id>/geometry.xyz`;
            `structure.py`), which carry the clean values of two features; None for every other spec.
    """

    kind: Literal["tabular"] = "tabular"
    n_latent: int = Field(ge=1, le=6)
    features: tuple[FeatureRule, ...]
    terms: tuple[Term, ...] = Field(min_length=1)
    outputs: int = Field(ge=1)
    center: tuple[float, ...]
    scale: tuple[float, ...]
    bias: tuple[float, ...]
    slope: float = 1.0
    noise_sd: float = 0.0
    cutpoints: tuple[float, ...] = ()
    target_low: float = 0.0
    target_high: float = 1.0
    target_decimals: int = 2
    log_target: bool = False
    label_noise: float = 0.0
    test_shift: float = 0.0
    # left out of the serialised form when unused, so the specs of every other tabular task keep their content hash
    targets: tuple[TargetRule, ...] = Field(default=(), exclude_if=lambda v: not v)
    noise_share: float = Field(default=0.0, ge=0.0, le=1.0, exclude_if=lambda v: not v)
    ids_restart: bool = Field(default=False, exclude_if=lambda v: not v)
    structure: StructureRule | None = Field(default=None, exclude_if=lambda v: v is None)

    @model_validator(mode="after")
    def _one_target_per_output(self) -> TabularRule:
        if self.targets and len(self.targets) != self.outputs:
            raise ValueError(f"a multi-target rule needs one target per output ({self.outputs}), "
                             f"got {len(self.targets)}")
        return self
