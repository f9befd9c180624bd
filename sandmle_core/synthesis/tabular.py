"""Tabular drafting and synthesis: binary, multi-class, ordinal, regression and multi-label tasks.

`draft` moves the seed's Task DNA into a catalog domain: it picks typed features (keeping the seed's mix of numeric
and categorical columns), a target of the seed's task type, and draws the hidden structural causal model
(`TabularRule`) — latents, loadings, terms, noise — from the slot's rng, calibrating it on a reference sample so the
signal has unit variance and the classes have the drafted priors. `synthesize` samples rows from the rule at any
scale, damages the observed features as the challenges say (missingness, outliers, shift, label noise) and writes
the environment's data files together with the oracle (the rule's noise-free prediction).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from sandmle_core.catalog.schema import ClassTarget, FeatureTemplate
from sandmle_core.metrics import get_metric
from sandmle_core.rules.tabular import FeatureRule, TabularRule, Term
from sandmle_core.spec import Challenge, ColumnKind, ColumnSpec, TargetSpec, TaskType
from sandmle_core.synthesis.base import Draft, DraftContext, SynthesisResult, class_count_range, stream
from sandmle_core.taskspec import TaskSpec

__all__ = ["draft", "evaluate", "sample_clean", "synthesize"]

_CALIBRATION_ROWS = 4096


def _round(x: float, digits: int = 4) -> float:
    return float(round(float(x), digits))


# ---------------------------------------------------------------------------------------------------------------
# Sampling: latents → clean feature values → target signal


def sample_clean(rule: TabularRule, n: int, rng: np.random.Generator, shift: float = 0.0):
    """Sample n rows of latents; return the clean standardized values and the categorical level indices."""
    z = rng.standard_normal((n, rule.n_latent))
    z[:, 0] += shift
    clean: dict[str, np.ndarray] = {}
    for f in rule.features:
        if f.kind == "categorical":
            weights = np.asarray(f.level_loadings)  # levels × latents
            gumbel = -np.log(-np.log(rng.uniform(1e-12, 1.0, size=(n, len(f.levels)))))
            clean[f.name] = np.argmax(z @ weights.T + f.level_noise * gumbel, axis=1)
        else:
            load = np.asarray(f.loadings)
            norm = math.sqrt(float(load @ load) + f.noise**2)
            clean[f.name] = (z @ load + f.noise * rng.standard_normal(n)) / norm
    return clean


def _raw_signal(rule: TabularRule, clean: dict[str, np.ndarray], n: int) -> np.ndarray:
    raw = np.zeros((n, rule.outputs))
    for term in rule.terms:
        a = clean[term.features[0]]
        if term.op == "level":
            raw += np.asarray(term.effects).T[a]
            continue
        if term.op == "linear":
            g = a
        elif term.op == "square":
            g = a**2 - 1.0
        elif term.op == "hinge":
            g = np.maximum(0.0, a - term.knot)
        elif term.op == "sine":
            g = np.sin(1.7 * a)
        else:  # interaction
            g = a * clean[term.features[1]]
        raw += np.outer(g, np.asarray(term.weights))
    return raw


def evaluate(rule: TabularRule, clean: dict[str, np.ndarray], n: int) -> np.ndarray:
    """The calibrated signal (n × outputs): unit variance per output on the calibration sample."""
    return (_raw_signal(rule, clean, n) - np.asarray(rule.center)) * np.asarray(rule.scale)


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# ---------------------------------------------------------------------------------------------------------------
# Drafting


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
    loadings = tuple(_round(v) for v in rng.normal(0, 1, n_latent) * (rng.random(n_latent) < 0.7))
    if t.kind == "categorical":
        levels = tuple(t.levels or ())
        return FeatureRule(
            name=t.name, kind="categorical", loadings=loadings, noise=0.0, levels=levels,
            level_loadings=tuple(tuple(_round(v) for v in row) for row in rng.normal(0, 0.8, (len(levels), n_latent))),
            level_noise=_round(rng.uniform(0.6, 1.2)), missing=missing, missing_mode=mode,  # type: ignore[arg-type]
        )
    skewed = rng.random() < (0.5 if Challenge.OUTLIERS in ctx.challenges else 0.25)
    return FeatureRule(
        name=t.name, kind=t.kind, loadings=loadings, noise=_round(rng.uniform(0.3, 1.0)),
        transform="exp" if skewed else "linear", skew=_round(rng.uniform(0.5, 0.9)) if skewed else 0.0,
        low=float(t.low), high=float(t.high),  # type: ignore[arg-type]
        decimals=0 if t.kind == "integer" else _decimals(t.low, t.high),  # type: ignore[arg-type]
        missing=missing, missing_mode=mode, outlier_share=outliers,  # type: ignore[arg-type]
    )


def _target(ctx: DraftContext) -> tuple[str, TargetSpec, int]:
    """The target column(s), their spec and the number of signal outputs."""
    d, rng, task = ctx.domain, ctx.rng, ctx.dna.task_type
    if task == TaskType.REGRESSION:
        t = d.regression[int(rng.integers(len(d.regression)))]
        return t.name, TargetSpec(columns=(t.name,), description=t.description, unit=t.unit), 1
    if task == TaskType.MULTILABEL:
        t = d.multilabel[int(rng.integers(len(d.multilabel)))]
        want = ctx.dna.label_cardinality or len(t.labels)
        low, high = class_count_range(want)
        k = int(np.clip(rng.integers(low, high + 1), 3, len(t.labels)))
        labels = tuple(sorted(rng.choice(list(t.labels), k, replace=False), key=list(t.labels).index))
        return "labels", TargetSpec(columns=labels, description=t.description), k
    options: tuple[ClassTarget, ...] = {TaskType.BINARY: d.binary, TaskType.MULTICLASS: d.multiclass,
                                        TaskType.ORDINAL: d.ordinal}[task]
    low, high = class_count_range(ctx.dna.label_cardinality or 2)
    fitting = [t for t in options if len(t.classes) >= low] or list(options)
    t = fitting[int(rng.integers(len(fitting)))]
    k = int(np.clip(rng.integers(low, high + 1), 2, len(t.classes)))
    if task == TaskType.ORDINAL:
        classes = tuple(t.classes[:k])
    elif task == TaskType.BINARY:
        classes = ("0", "1")
    else:
        picked = sorted(rng.choice(len(t.classes), k, replace=False))
        classes = tuple(t.classes[i] for i in picked)
    positive = "1" if task == TaskType.BINARY else None
    spec = TargetSpec(columns=(t.name,), description=t.description, classes=classes, positive_class=positive)
    return t.name, spec, (k if task == TaskType.MULTICLASS else 1)


def _terms(ctx: DraftContext, rules: list[FeatureRule], outputs: int) -> list[Term]:
    rng, challenges = ctx.rng, ctx.challenges
    numeric = [f.name for f in rules if f.kind != "categorical"]
    categorical = [f for f in rules if f.kind == "categorical"]
    irrelevant_share = 0.35 if Challenge.IRRELEVANT_FEATURES in challenges else 0.1
    relevant = [n for n in numeric if rng.random() >= irrelevant_share] or numeric[:3]
    if len(relevant) < 3:
        relevant = numeric[: max(3, len(relevant))]

    def w() -> tuple[float, ...]:
        return tuple(_round(rng.choice([-1, 1]) * rng.uniform(0.5, 1.0)) for _ in range(outputs))

    terms = [Term(op="linear", features=(name,), weights=w()) for name in relevant]
    strength = 0.5 + ctx.difficulty
    if Challenge.NONLINEARITY in challenges or rng.random() < 0.5:
        for name in rng.choice(relevant, min(len(relevant), 2), replace=False):
            op = str(rng.choice(["square", "hinge", "sine"]))
            terms.append(Term(op=op, features=(str(name),), weights=tuple(_round(x * strength) for x in w()),
                              knot=_round(rng.uniform(-0.5, 0.8))))
    if (Challenge.INTERACTIONS in challenges or rng.random() < 0.4) and len(relevant) >= 2:
        a, b = rng.choice(relevant, 2, replace=False)
        weights = tuple(_round(x * strength) for x in w())
        terms.append(Term(op="interaction", features=(str(a), str(b)), weights=weights))
    for f in categorical:
        if rng.random() < 0.75:
            effects = rng.normal(0, 0.7, (outputs, len(f.levels)))
            terms.append(Term(op="level", features=(f.name,),
                              effects=tuple(tuple(_round(v) for v in row) for row in effects)))
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


def _calibrate(rule: TabularRule, ctx: DraftContext, task: TaskType, k: int) -> TabularRule:
    """Centre and scale the signal to unit variance; set class biases and ordinal cut-points for the priors."""
    rng = stream(int(ctx.rng.integers(2**62)), "calibration")
    clean = sample_clean(rule, _CALIBRATION_ROWS, rng)
    raw = _raw_signal(rule, clean, _CALIBRATION_ROWS)
    center = raw.mean(axis=0)
    sd = raw.std(axis=0)
    sd[sd == 0] = 1.0
    rule = rule.model_copy(update={"center": tuple(_round(v, 6) for v in center),
                                   "scale": tuple(_round(1.0 / v, 6) for v in sd)})
    signal = evaluate(rule, clean, _CALIBRATION_ROWS)
    if task in (TaskType.BINARY, TaskType.MULTILABEL):
        biases = []
        for j in range(rule.outputs):
            target = _priors(ctx, 2)[1] if task == TaskType.BINARY else ctx.rng.uniform(0.12, 0.45)
            b = 0.0
            for _ in range(40):  # fixed-point on the mean probability
                b += math.log(target / (1 - target)) - math.log(
                    max(1e-6, _sigmoid(rule.slope * signal[:, j] + b).mean()) /
                    max(1e-6, 1 - _sigmoid(rule.slope * signal[:, j] + b).mean()))
            biases.append(_round(b, 6))
        return rule.model_copy(update={"bias": tuple(biases)})
    if task == TaskType.MULTICLASS:
        priors = _priors(ctx, k)
        bias = np.zeros(k)
        for _ in range(60):
            p = _softmax(rule.slope * signal + bias).mean(axis=0)
            bias += np.log(priors / np.maximum(p, 1e-9))
        return rule.model_copy(update={"bias": tuple(_round(v, 6) for v in bias)})
    if task == TaskType.ORDINAL:
        priors = _priors(ctx, k)
        noisy = signal[:, 0] + rule.noise_sd * rng.standard_normal(_CALIBRATION_ROWS)
        cuts = np.quantile(noisy, np.cumsum(priors)[:-1])
        return rule.model_copy(update={"cutpoints": tuple(_round(v, 6) for v in cuts)})
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
        _feature_rule(t, ctx, n_latent, _round(min(0.4, missing_share * rng.uniform(1.5, 3.0))) if t.name in
                      with_missing else 0.0, mode if t.name in with_missing else "none",
                      _round(rng.uniform(0.01, 0.03)) if t.name in with_outliers else 0.0)
        for t in templates
    ]
    _, target, outputs = _target(ctx)
    task = dna.task_type
    terms = _terms(ctx, features, outputs)
    target_template = next((t for t in ctx.domain.regression if t.name == target.columns[0]), None)
    skewed = Challenge.SKEWED_TARGET in ctx.challenges and target_template is not None and target_template.low > 0
    rule = TabularRule(
        n_latent=n_latent, features=tuple(features), terms=tuple(terms), outputs=outputs,
        center=(0.0,) * outputs, scale=(1.0,) * outputs, bias=(0.0,) * outputs,
        slope=_round(3.2 - 2.2 * ctx.difficulty + rng.uniform(-0.2, 0.2)),
        noise_sd=_round(0.25 + 0.9 * ctx.difficulty + rng.uniform(0, 0.1)),
        target_low=float(target_template.low) if target_template else 0.0,
        target_high=float(target_template.high) if target_template else 1.0,
        target_decimals=_decimals(target_template.low, target_template.high) if target_template else 2,
        log_target=bool(skewed),
        label_noise=_round(rng.uniform(0.02, 0.08)) if Challenge.LABEL_NOISE in ctx.challenges else 0.0,
        test_shift=_round(rng.uniform(0.3, 0.6)) if Challenge.TRAIN_TEST_SHIFT in ctx.challenges else 0.0,
    )
    k = len(target.classes) if target.classes else 2
    rule = _calibrate(rule, ctx, task, k)
    by_name = {t.name: t for t in templates}
    columns = tuple(
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
    entity = ctx.domain.entity.split()[-1].lower()
    id_column = f"{entity}_id" if f"{entity}_id" not in {c.name for c in columns} else "row_id"
    what = " ".join(target.columns[0].split("_")) if task != TaskType.MULTILABEL else target.description
    return Draft(id_column=id_column, columns=columns, target=target, rule=rule,
                 title=f"{ctx.domain.title}: Predict {what[0].upper()}{what[1:]}")


# ---------------------------------------------------------------------------------------------------------------
# Synthesis


def _observe(f: FeatureRule, u: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """Clean standardized values → what the agent sees (units, rounding, outliers, missing values)."""
    n = len(u)
    if f.kind == "categorical":
        values = np.asarray(f.levels, dtype=object)[u]
        series = pd.Series(values, dtype=object)
        score = u.astype(float) / max(1, len(f.levels) - 1)
    else:
        span = f.high - f.low
        if f.transform == "exp":
            x = f.low + span * np.exp(f.skew * (u - 3.0))
        else:
            x = (f.low + f.high) / 2 + span / 6 * u
        x = np.clip(x, f.low, f.high)
        if f.outlier_share > 0:
            hit = rng.random(n) < f.outlier_share
            x = np.where(hit, f.high + span * rng.uniform(1.0, 4.0, n), x)
        x = np.round(x, f.decimals)
        series = pd.Series(x.astype(np.int64) if f.kind == "integer" else x)
        score = u
    if f.missing > 0:
        if f.missing_mode == "mnar":
            p = np.clip(2 * f.missing * _sigmoid(2.5 * (np.asarray(score, dtype=float) - np.median(score))), 0, 0.95)
        else:
            p = np.full(n, f.missing)
        mask = rng.random(n) < p
        series = series.astype(object if f.kind == "categorical" else "Float64" if f.kind == "numeric" else "Int64")
        series[mask] = pd.NA
    return series


def _outputs(spec: TaskSpec, rule: TabularRule, signal: np.ndarray, rng: np.random.Generator):
    """(labels or values per target column, oracle submission columns) for the sampled rows."""
    task, n = spec.task_type, len(signal)
    classes = spec.target.classes
    if task == TaskType.REGRESSION:
        y_clean = signal[:, 0]
        y_noisy = y_clean + rule.noise_sd * rng.standard_normal(n)
        if rule.log_target:
            lo, hi = math.log(rule.target_low), math.log(rule.target_high)
            mid, half = (lo + hi) / 2, (hi - lo) / 6
            value = np.exp(mid + half * y_noisy)
            oracle = np.exp(mid + half * y_clean + (half * rule.noise_sd) ** 2 / 2)
        else:
            mid, half = (rule.target_low + rule.target_high) / 2, (rule.target_high - rule.target_low) / 6
            value, oracle = mid + half * y_noisy, mid + half * y_clean
        d = rule.target_decimals
        return {spec.target.columns[0]: np.round(value, d)}, {spec.target.columns[0]: np.round(oracle, d + 2)}
    if task in (TaskType.BINARY, TaskType.MULTILABEL):
        p = _sigmoid(rule.slope * signal + np.asarray(rule.bias))
        y = (rng.random(p.shape) < p).astype(np.int64)
        flip = rng.random(p.shape) < rule.label_noise
        y = np.where(flip, 1 - y, y)
        return ({c: y[:, j] for j, c in enumerate(spec.target.columns)},
                {c: np.round(p[:, j], 6) for j, c in enumerate(spec.target.columns)})
    assert classes is not None
    k = len(classes)
    if task == TaskType.ORDINAL:
        cuts = np.asarray(rule.cutpoints)
        noisy = signal[:, 0] + rule.noise_sd * rng.standard_normal(n)
        idx = np.searchsorted(cuts, noisy)
        # Bayes-optimal class for a squared-error-like loss: the class of the noise-free signal's expected index.
        grid = rng.standard_normal(256) * rule.noise_sd
        expected = np.searchsorted(cuts, signal[:, :1] + grid[None, :]).mean(axis=1)
        best = np.clip(np.rint(expected), 0, k - 1).astype(int)
        probs = None
    else:
        probs = _softmax(rule.slope * signal + np.asarray(rule.bias))
        cum = probs.cumsum(axis=1)
        idx = np.minimum((rng.random((n, 1)) > cum).sum(axis=1), k - 1)
        best = probs.argmax(axis=1)
    if rule.label_noise > 0:
        flip = rng.random(n) < rule.label_noise
        idx = np.where(flip, rng.integers(0, k, n), idx)
    labels = np.asarray(classes, dtype=object)[idx]
    target = spec.target.columns[0]
    kind = get_metric(spec.grading.metric).kind
    if kind == "class_probabilities":
        if probs is None:  # ordinal graded by log loss: spread the oracle over neighbours of its class
            probs = np.full((n, k), 0.02 / k)
            probs[np.arange(n), best] += 0.98
        probs = np.round(probs, 6)
        probs[:, -1] = np.round(1.0 - probs[:, :-1].sum(axis=1), 6)  # rows sum to 1 exactly after rounding
        return {target: labels}, {c: probs[:, j] for j, c in enumerate(classes)}
    return {target: labels}, {spec.grading.submission_columns[0]: np.asarray(classes, dtype=object)[best]}


def _ids(rng: np.random.Generator, n: int, prefix: str) -> np.ndarray:
    width = max(6, len(str(n * 10)))
    numbers = rng.choice(10 ** width - 10 ** (width - 1), n, replace=False) + 10 ** (width - 1)
    return np.array([f"{prefix}{v}" for v in numbers], dtype=object)


def synthesize(spec: TaskSpec, out_dir: Path, *, n_train: int | None = None, n_test: int | None = None
               ) -> SynthesisResult:
    """Sample the environment's rows from its rule and write the data files (see module docstring)."""
    rule = spec.rule
    assert isinstance(rule, TabularRule)
    n_train = n_train or spec.n_train
    n_test = n_test or spec.n_test
    public, private = Path(out_dir) / "prepared" / "public", Path(out_dir) / "prepared" / "private"
    public.mkdir(parents=True, exist_ok=True)
    private.mkdir(parents=True, exist_ok=True)
    ids = _ids(stream(spec.rng_seed, "synth", "ids"), n_train + n_test, spec.grading.id_column[:1].upper())
    frames, oracles = [], []
    for part, n, shift in (("train", n_train, 0.0), ("test", n_test, rule.test_shift)):
        rng = stream(spec.rng_seed, "synth", part)
        clean = sample_clean(rule, n, rng, shift=shift)
        signal = evaluate(rule, clean, n)
        targets, oracle = _outputs(spec, rule, signal, stream(spec.rng_seed, "synth", part, "target"))
        obs_rng = stream(spec.rng_seed, "synth", part, "observe")
        frame = pd.DataFrame({c.name: _observe(next(f for f in rule.features if f.name == c.name), clean[c.name],
                                               obs_rng) for c in spec.columns})
        for col, values in targets.items():
            frame[col] = values
        frames.append(frame)
        oracles.append(pd.DataFrame(oracle))
    train, test = frames
    train.insert(0, spec.grading.id_column, ids[:n_train])
    test.insert(0, spec.grading.id_column, ids[n_train:])
    target_cols = list(spec.target.columns)
    train.to_csv(public / "train.csv", index=False)
    test.drop(columns=target_cols).to_csv(public / "test.csv", index=False)
    test[[spec.grading.id_column, *target_cols]].to_csv(private / "answers.csv", index=False)
    oracle = oracles[1]
    oracle.insert(0, spec.grading.id_column, ids[n_train:])
    oracle.to_csv(private / "oracle_submission.csv", index=False)
    stats: dict = {"missing_share": _round(train[[c.name for c in spec.columns]].isna().mean().mean())}
    if spec.target.classes:
        counts = train[target_cols[0]].astype(str).value_counts()
        stats["train_class_counts"] = {c: int(counts.get(c, 0)) for c in spec.target.classes}
    elif spec.task_type == TaskType.MULTILABEL:
        stats["train_label_rates"] = {c: _round(train[c].mean()) for c in target_cols}
    else:
        stats["train_target_mean"] = _round(train[target_cols[0]].mean())
    return SynthesisResult(public_dir=public, private_dir=private, n_train=n_train, n_test=n_test, stats=stats)
