"""Drafting a tabular environment: the seed's Task DNA moved into a catalog domain, and its hidden SCM.

`draft` picks typed features (keeping the seed's mix of numeric and categorical columns), a target of the seed's task
type (several numeric ones for a multi-target regression, drafted by `multitarget`), and draws the hidden structural
causal model (`TabularRule`) — latents, loadings, terms, noise — from the slot's rng, calibrating it on a reference
sample so the signal has unit variance and the classes have the drafted priors. The Claude strategist reuses
`calibrate` for the rules it designs.
"""

from __future__ import annotations

import math

import numpy as np

from sandmle_core.catalog.schema import ClassTarget, FeatureTemplate
from sandmle_core.modalities.base import Draft, DraftContext, class_count_range, headline
from sandmle_core.modalities.tabular import multitarget
from sandmle_core.modalities.tabular.rule import FeatureRule, TabularRule, Term
from sandmle_core.modalities.tabular.sampling import evaluate, raw_signal, round4, sample_clean, sigmoid, softmax
from sandmle_core.modalities.tabular.structure import draft_structure, seed_structure_file
from sandmle_core.slots import stream
from sandmle_core.spec import Challenge, ColumnKind, ColumnSpec, TargetSpec, TaskType

__all__ = ["calibrate", "draft"]

_CALIBRATION_ROWS = 4096


def _pick_features(ctx: DraftContext) -> list[FeatureTemplate]:
    """Features of the domain, keeping the seed's share of categorical columns (at least 6 columns)."""
    rng, mix = ctx.rng, ctx.dna.feature_mix
    total_seed = max(1, sum(mix.values()))
    cat_share = (mix.get("categorical", 0) + mix.get("text", 0)) / total_seed
    numeric = [f for f in ctx.domain.features if f.kind != "categorical"]
    categorical = [f for f in ctx.domain.features if f.kind == "categorical"]
    n_total = int(np.clip(round(total_seed * rng.uniform(0.6, 1.1)), 6, len(ctx.domain.features)))
    n_cat = int(np.clip(round(n_total * cat_share), 1 if cat_share > 0 else 0, len(categorical)))
    if Challenge.HIGH_CARDINALITY in ctx.challenges and categorical:
        n_cat = max(n_cat, 1)
    n_num = min(len(numeric), n_total - n_cat)
    chosen_cat = [categorical[i] for i in sorted(rng.choice(len(categorical), n_cat, replace=False))] if n_cat else []
    if Challenge.HIGH_CARDINALITY in ctx.challenges and chosen_cat:
        wide = [f for f in categorical if len(f.levels or ()) >= 20]
        if wide and not any(f in wide for f in chosen_cat):
            chosen_cat[0] = wide[int(rng.integers(len(wide)))]
    chosen_num = [numeric[i] for i in sorted(rng.choice(len(numeric), n_num, replace=False))]
    order = rng.permutation(len(chosen_num) + len(chosen_cat))
    pool = chosen_num + chosen_cat
    return [pool[i] for i in order]


def _decimals(low: float, high: float) -> int:
    span = max(high - low, 1e-9)
    return int(np.clip(3 - math.floor(math.log10(span)), 0, 4))


def _feature_rule(t: FeatureTemplate, ctx: DraftContext, n_latent: int, missing: float, mode: str,
                  outliers: float) -> FeatureRule:
    rng = ctx.rng
    loadings = tuple(round4(v) for v in rng.normal(0, 1, n_latent) * (rng.random(n_latent) < 0.7))
    if t.kind == "categorical":
        levels = tuple(t.levels or ())
        return FeatureRule(
            name=t.name, kind="categorical", loadings=loadings, noise=0.0, levels=levels,
            level_loadings=tuple(tuple(round4(v) for v in row) for row in rng.normal(0, 0.8, (len(levels), n_latent))),
            level_noise=round4(rng.uniform(0.6, 1.2)), missing=missing, missing_mode=mode,  # type: ignore[arg-type]
        )
    skewed = rng.random() < (0.5 if Challenge.OUTLIERS in ctx.challenges else 0.25)
    return FeatureRule(
        name=t.name, kind=t.kind, loadings=loadings, noise=round4(rng.uniform(0.3, 1.0)),
        transform="exp" if skewed else "linear", skew=round4(rng.uniform(0.5, 0.9)) if skewed else 0.0,
        low=float(t.low), high=float(t.high),  # type: ignore[arg-type]
        decimals=0 if t.kind == "integer" else _decimals(t.low, t.high),  # type: ignore[arg-type]
        missing=missing, missing_mode=mode, outlier_share=outliers,  # type: ignore[arg-type]
    )


def _target(ctx: DraftContext) -> tuple[str | None, TargetSpec, int]:
    """The catalog target's own purpose (None: the story's), the target column(s)' spec and the number of signal
    outputs."""
    d, rng, task = ctx.domain, ctx.rng, ctx.dna.task_type
    if task == TaskType.REGRESSION:
        t = d.regression[int(rng.integers(len(d.regression)))]
        return t.purpose, TargetSpec(columns=(t.name,), description=t.description, unit=t.unit), 1
    if task == TaskType.MULTILABEL:
        t = d.multilabel[int(rng.integers(len(d.multilabel)))]
        want = ctx.dna.label_cardinality or len(t.labels)
        low, high = class_count_range(want)
        k = int(np.clip(rng.integers(low, high + 1), 3, len(t.labels)))
        labels = tuple(sorted(rng.choice(list(t.labels), k, replace=False), key=list(t.labels).index))
        return t.purpose, TargetSpec(columns=labels, description=t.description), k
    options: tuple[ClassTarget, ...] = {TaskType.BINARY: d.binary, TaskType.MULTICLASS: d.multiclass,
                                        TaskType.ORDINAL: d.ordinal}[task]
    low, high = class_count_range(ctx.dna.label_cardinality or 2)
    # a target with more classes than the range only hosts a seed of that size: a 3-class seed is not drafted from
    # a 24-class target (many-class targets are for many-class seeds)
    fitting = [t for t in options if low <= len(t.classes) <= max(high, 12)] or [
        t for t in options if len(t.classes) >= low] or list(options)
    t = fitting[int(rng.integers(len(fitting)))]
    k = int(np.clip(rng.integers(low, high + 1), 2, len(t.classes)))
    if task == TaskType.ORDINAL:
        # A scale whose length fits the seed's class range is used whole: "1 (poor) to 7 (excellent)" drafted at 6
        # levels read "one of 1, 2, 3, 5, 6, 7", a survey scale without its middle. A longer one is spread over the
        # whole scale, ends kept: "1 (beginner) to 9 (elite)" keeps 1 and 9.
        k = len(t.classes) if low <= len(t.classes) <= high else k
        classes = tuple(t.classes[int(i)] for i in np.unique(np.rint(np.linspace(0, len(t.classes) - 1, k))))
    elif task == TaskType.BINARY:
        classes = ("0", "1")
    else:
        picked = sorted(rng.choice(len(t.classes), k, replace=False))
        classes = tuple(t.classes[i] for i in picked)
    positive = "1" if task == TaskType.BINARY else None
    spec = TargetSpec(columns=(t.name,), description=t.description, classes=classes, positive_class=positive)
    return t.purpose, spec, (k if task == TaskType.MULTICLASS else 1)


def _terms(ctx: DraftContext, rules: list[FeatureRule], outputs: int) -> list[Term]:
    rng, challenges = ctx.rng, ctx.challenges
    numeric = [f.name for f in rules if f.kind != "categorical"]
    categorical = [f for f in rules if f.kind == "categorical"]
    irrelevant_share = 0.35 if Challenge.IRRELEVANT_FEATURES in challenges else 0.1
    relevant = [n for n in numeric if rng.random() >= irrelevant_share] or numeric[:3]
    if len(relevant) < 3:
        relevant = numeric[: max(3, len(relevant))]

    def w() -> tuple[float, ...]:
        return tuple(round4(rng.choice([-1, 1]) * rng.uniform(0.5, 1.0)) for _ in range(outputs))

    terms = [Term(op="linear", features=(name,), weights=w()) for name in relevant]
    strength = 0.5 + ctx.difficulty
    if Challenge.NONLINEARITY in challenges or rng.random() < 0.5:
        for name in rng.choice(relevant, min(len(relevant), 2), replace=False):
            op = str(rng.choice(["square", "hinge", "sine"]))
            terms.append(Term(op=op, features=(str(name),), weights=tuple(round4(x * strength) for x in w()),
                              knot=round4(rng.uniform(-0.5, 0.8))))
    if (Challenge.INTERACTIONS in challenges or rng.random() < 0.4) and len(relevant) >= 2:
        a, b = rng.choice(relevant, 2, replace=False)
        weights = tuple(round4(x * strength) for x in w())
        terms.append(Term(op="interaction", features=(str(a), str(b)), weights=weights))
    for f in categorical:
        if rng.random() < 0.75:
            effects = rng.normal(0, 0.7, (outputs, len(f.levels)))
            terms.append(Term(op="level", features=(f.name,),
                              effects=tuple(tuple(round4(v) for v in row) for row in effects)))
    return terms


def _priors(ctx: DraftContext, k: int) -> np.ndarray:
    rng = ctx.rng
    imbalanced = Challenge.CLASS_IMBALANCE in ctx.challenges
    if k == 2:
        floor = ctx.dna.min_class_share or 0.35
        share = rng.uniform(max(0.08, floor * 0.7), min(0.5, floor * 1.3 + 0.02)) if imbalanced else rng.uniform(
            max(0.25, floor * 0.8), 0.5)
        return np.array([1 - share, share])
    alpha = 2.0 if imbalanced else 8.0
    p = rng.dirichlet(np.full(k, alpha))
    p = np.maximum(p, 0.6 / (k * 3))
    return p / p.sum()


def calibrate(rule: TabularRule, ctx: DraftContext, task: TaskType, k: int) -> TabularRule:
    """Centre and scale the signal to unit variance; set class biases and ordinal cut-points for the priors."""
    rng = stream(int(ctx.rng.integers(2**62)), "calibration")
    clean = sample_clean(rule, _CALIBRATION_ROWS, rng)
    raw = raw_signal(rule, clean, _CALIBRATION_ROWS)
    center = raw.mean(axis=0)
    sd = raw.std(axis=0)
    sd[sd == 0] = 1.0
    rule = rule.model_copy(update={"center": tuple(round4(v, 6) for v in center),
                                   "scale": tuple(round4(1.0 / v, 6) for v in sd)})
    signal = evaluate(rule, clean, _CALIBRATION_ROWS)
    if task in (TaskType.BINARY, TaskType.MULTILABEL):
        biases = []
        for j in range(rule.outputs):
            target = _priors(ctx, 2)[1] if task == TaskType.BINARY else ctx.rng.uniform(0.12, 0.45)
            b = 0.0
            for _ in range(40):  # fixed-point on the mean probability
                b += math.log(target / (1 - target)) - math.log(
                    max(1e-6, sigmoid(rule.slope * signal[:, j] + b).mean()) /
                    max(1e-6, 1 - sigmoid(rule.slope * signal[:, j] + b).mean()))
            biases.append(round4(b, 6))
        return rule.model_copy(update={"bias": tuple(biases)})
    if task == TaskType.MULTICLASS:
        priors = _priors(ctx, k)
        bias = np.zeros(k)
        for _ in range(60):
            p = softmax(rule.slope * signal + bias).mean(axis=0)
            bias += np.log(priors / np.maximum(p, 1e-9))
        return rule.model_copy(update={"bias": tuple(round4(v, 6) for v in bias)})
    if task == TaskType.ORDINAL:
        priors = _priors(ctx, k)
        noisy = signal[:, 0] + rule.noise_sd * rng.standard_normal(_CALIBRATION_ROWS)
        cuts = np.quantile(noisy, np.cumsum(priors)[:-1])
        return rule.model_copy(update={"cutpoints": tuple(round4(v, 6) for v in cuts)})
    return rule


def draft(ctx: DraftContext) -> Draft:
    """The modality half of a tabular spec (see module docstring)."""
    rng, dna = ctx.rng, ctx.dna
    templates = _pick_features(ctx)
    n_latent = int(rng.integers(2, 5))
    missing_share = dna.missing_rate if dna.missing_rate > 0 else 0.08
    mode = ("mnar" if Challenge.MISSING_NOT_AT_RANDOM in ctx.challenges else
            "mar" if Challenge.MISSING_AT_RANDOM in ctx.challenges else "none")
    with_missing = set()
    if mode != "none":
        candidates = [t.name for t in templates]
        with_missing = set(rng.choice(candidates, max(1, len(candidates) // 3), replace=False))
    with_outliers = set()
    if Challenge.OUTLIERS in ctx.challenges:
        numeric = [t.name for t in templates if t.kind != "categorical"]
        with_outliers = set(rng.choice(numeric, min(2, len(numeric)), replace=False))
    features = [
        _feature_rule(t, ctx, n_latent, round4(min(0.4, missing_share * rng.uniform(1.5, 3.0))) if t.name in
                      with_missing else 0.0, mode if t.name in with_missing else "none",
                      round4(rng.uniform(0.01, 0.03)) if t.name in with_outliers else 0.0)
        for t in templates
    ]
    task = dna.task_type
    if task == TaskType.MULTI_TARGET:
        return _draft_multitarget(ctx, features, templates)
    purpose, target, outputs = _target(ctx)
    terms = _terms(ctx, features, outputs)
    target_template = next((t for t in ctx.domain.regression if t.name == target.columns[0]), None)
    skewed = Challenge.SKEWED_TARGET in ctx.challenges and target_template is not None and target_template.low > 0
    rule = TabularRule(
        n_latent=n_latent, features=tuple(features), terms=tuple(terms), outputs=outputs,
        center=(0.0,) * outputs, scale=(1.0,) * outputs, bias=(0.0,) * outputs,
        slope=round4(3.2 - 2.2 * ctx.difficulty + rng.uniform(-0.2, 0.2)),
        noise_sd=round4(0.25 + 0.9 * ctx.difficulty + rng.uniform(0, 0.1)),
        target_low=float(target_template.low) if target_template else 0.0,
        target_high=float(target_template.high) if target_template else 1.0,
        target_decimals=_decimals(target_template.low, target_template.high) if target_template else 2,
        log_target=bool(skewed),
        label_noise=round4(rng.uniform(0.02, 0.08)) if Challenge.LABEL_NOISE in ctx.challenges else 0.0,
        test_shift=round4(rng.uniform(0.3, 0.6)) if Challenge.TRAIN_TEST_SHIFT in ctx.challenges else 0.0,
    )
    k = len(target.classes) if target.classes else 2
    rule = calibrate(rule, ctx, task, k)
    columns = _columns(features, templates)
    return Draft(id_column=_id_column(ctx, columns), columns=columns, target=target, rule=rule,
                 title=f"{ctx.domain.title}: {headline('predict ' + _title_phrase(target.description))}",
                 story_template=ctx.domain.story_for(purpose) if purpose else None)


def _draft_multitarget(ctx: DraftContext, features: list[FeatureRule], templates: list[FeatureTemplate]) -> Draft:
    """A multi-target regression: one calibrated signal output per target column, the outputs tied together
    (`multitarget`), each mapped into its own unit with its own noise."""
    rng = ctx.rng
    base_noise = 0.25 + 0.9 * ctx.difficulty + rng.uniform(0, 0.1)
    target, targets, purpose = multitarget.draft_targets(ctx, base_noise)
    terms, noise_share = multitarget.share_weights(_terms(ctx, features, len(targets)), rng)
    n_latent = len(features[0].loadings)
    file = seed_structure_file(getattr(ctx.profile, "details", None) or {})
    rule = TabularRule(
        n_latent=n_latent, features=tuple(features), terms=tuple(terms), outputs=len(targets),
        center=(0.0,) * len(targets), scale=(1.0,) * len(targets), bias=(0.0,) * len(targets),
        noise_sd=round4(base_noise), targets=targets, noise_share=noise_share,
        test_shift=round4(rng.uniform(0.3, 0.6)) if Challenge.TRAIN_TEST_SHIFT in ctx.challenges else 0.0,
        ids_restart=multitarget.ids_restart(ctx),
        structure=draft_structure(file, features, terms) if file else None,  # the seed's per-id files
    )
    rule = calibrate(rule, ctx, TaskType.MULTI_TARGET, 2)
    columns = _columns(features, templates)
    return Draft(id_column=_id_column(ctx, columns), columns=columns, target=target, rule=rule,
                 title=multitarget.title_of(ctx.domain.title, target.descriptions, _title_phrase),
                 story_template=ctx.domain.story_for(purpose) if purpose else None)


def _columns(features: list[FeatureRule], templates: list[FeatureTemplate]) -> tuple[ColumnSpec, ...]:
    by_name = {t.name: t for t in templates}
    return tuple(
        ColumnSpec(
            name=f.name,
            kind={"numeric": ColumnKind.NUMERIC, "integer": ColumnKind.INTEGER,
                  "categorical": ColumnKind.CATEGORICAL}[f.kind],
            description=by_name[f.name].description,
            unit=by_name[f.name].unit,
            levels=f.levels or None,
            nullable=f.missing > 0,
        )
        for f in features
    )


def _id_column(ctx: DraftContext, columns: tuple[ColumnSpec, ...]) -> str:
    entity = ctx.domain.entity.split()[-1].lower()
    return f"{entity}_id" if f"{entity}_id" not in {c.name for c in columns} else "row_id"


def _title_phrase(description: str) -> str:
    """What a title asks for, from the target's description, never its snake_case name ("Cost overrun 10pct"):
    "1 if the project overran its budget by more than 10%" → "whether the project overran ...";
    "wildlife activity level, 1 (none) to 5 (very high)" → "wildlife activity level"."""
    text = description.strip().rstrip(".")
    for prefix in ("1 if ", "1 when "):
        if text.lower().startswith(prefix):
            return "whether " + text[len(prefix):].split(", 0 ")[0]
    return text.split(", ")[0].split(" (")[0]


# ---------------------------------------------------------------------------------------------------------------
