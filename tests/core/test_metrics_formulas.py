"""Every metric against an independent reference (scikit-learn, scipy or a hand-computed case), plus invariances.

Each row of REFERENCE builds answers and a submission, grades them through `grade_submission` (the same runtime
that generated grade.py files embed) and compares with the reference value to 5 decimals.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats
from sklearn import metrics as skm
from sklearn.preprocessing import MultiLabelBinarizer

from sandmle_core.errors import InvalidSubmission
from sandmle_core.grading import grade_submission, perfect_submission
from sandmle_core.spec import GradingSpec

RNG = np.random.default_rng(20260)
N = 40
IDS = [f"q{i}" for i in range(N)]


def _spec(metric: str, targets: tuple[str, ...], cols: tuple[str, ...] | None = None, **kw) -> GradingSpec:
    return GradingSpec(metric=metric, id_column="id", target_columns=targets, submission_columns=cols or targets, **kw)


def _mlsp() -> tuple:
    """19 species per recording flattened to Id = rec*100 + species: plain AUC is the micro-averaged AUC."""
    y = RNG.integers(0, 2, (12, 19))
    p = np.clip(0.35 * y + 0.65 * RNG.random((12, 19)), 0, 1)
    flat_ids = [r * 100 + s for r in range(12) for s in range(19)]
    answers = pd.DataFrame({"Id": flat_ids, "Probability": y.ravel()})
    sub = pd.DataFrame({"Id": flat_ids, "Probability": p.ravel()})
    spec = GradingSpec(metric="auc", id_column="Id", target_columns=("Probability",),
                       submission_columns=("Probability",))
    return answers, sub, spec, skm.roc_auc_score(y, p, average="micro")


def _ranzcr_subset_and_jigsaw_unscored() -> tuple:
    """11 label columns in the answers, 9 scored; rows marked -1 everywhere are not scored (jigsaw)."""
    cols = tuple(f"c{i}" for i in range(11))
    y = RNG.integers(0, 2, (N, 11))
    y[:6] = -1
    p = np.clip(0.3 * (y == 1) + 0.7 * RNG.random((N, 11)), 0, 1)
    answers = pd.DataFrame({"id": IDS, **{c: y[:, i] for i, c in enumerate(cols)}})
    sub = pd.DataFrame({"id": IDS, **{c: p[:, i] for i, c in enumerate(cols[:9])}})
    expected = np.mean([skm.roc_auc_score(y[6:, i], p[6:, i]) for i in range(9)])
    return answers, sub, _spec("mean_column_auc", cols[:9]), expected


def _lrap() -> tuple:
    cols = ("a", "b", "c", "d")
    y = RNG.integers(0, 2, (N, 4))
    y[y.sum(axis=1) == 0, 0] = 1
    p = RNG.random((N, 4))
    answers = pd.DataFrame({"id": IDS, **{c: y[:, i] for i, c in enumerate(cols)}})
    sub = pd.DataFrame({"id": IDS, **{c: p[:, i] for i, c in enumerate(cols)}})
    return answers, sub, _spec("lrap", cols), skm.label_ranking_average_precision_score(y, p)


def _kl() -> tuple:
    cols = ("seizure", "lpd", "other")
    votes = RNG.integers(0, 6, (N, 3))
    votes[votes.sum(axis=1) == 0, 2] = 1
    q = RNG.random((N, 3)) + 0.05
    q = q / q.sum(axis=1, keepdims=True)
    answers = pd.DataFrame({"id": IDS, **{c: votes[:, i] for i, c in enumerate(cols)}})
    sub = pd.DataFrame({"id": IDS, **{c: q[:, i] for i, c in enumerate(cols)}})
    t = votes / votes.sum(axis=1, keepdims=True)
    return answers, sub, _spec("kl_divergence", cols, classes=cols), special.rel_entr(t, q).sum(axis=1).mean()


def _one_hot_log_loss() -> tuple:
    """mle-bench's dog-breed / leaf / spooky answers are one-hot columns, not a label column."""
    cols = ("EAP", "HPL", "MWS")
    labels = RNG.integers(0, 3, N)
    onehot = np.eye(3, dtype=int)[labels]
    p = RNG.random((N, 3)) + np.eye(3)[labels]
    p = p / p.sum(axis=1, keepdims=True)
    answers = pd.DataFrame({"id": IDS, **{c: onehot[:, i] for i, c in enumerate(cols)}})
    sub = pd.DataFrame({"id": IDS, **{c: p[:, i] for i, c in enumerate(cols)}})
    return answers, sub, _spec("multiclass_log_loss", cols, classes=cols), skm.log_loss(labels, p)


def _labels(metric: str, reference: Callable) -> Callable[[], tuple]:
    def build() -> tuple:
        classes = ("0", "1") if metric == "mcc" else ("x", "y", "z")
        y = RNG.choice(classes, N)
        pred = np.where(RNG.random(N) < 0.6, y, RNG.choice(classes, N))
        answers = pd.DataFrame({"id": IDS, "k": y})
        sub = pd.DataFrame({"id": IDS, "k": pred})
        return answers, sub, _spec(metric, ("k",), classes=classes), reference(y, pred)
    return build


def _micro_f1() -> tuple:
    tags = ("t1", "t2", "t3", "t4", "t5")
    truth = [set(RNG.choice(tags, RNG.integers(0, 4), replace=False)) for _ in IDS]
    pred = [set(RNG.choice(tags, RNG.integers(0, 4), replace=False)) for _ in IDS]
    mlb = MultiLabelBinarizer(classes=list(tags))
    expected = skm.f1_score(mlb.fit_transform(truth), mlb.transform(pred), average="micro")
    answers = pd.DataFrame({"id": IDS, "tags": [" ".join(sorted(s)) for s in truth]})
    sub = pd.DataFrame({"id": IDS, "tags": [" ".join(sorted(s)) for s in pred]})
    return answers, sub, _spec("micro_f1", ("tags",), classes=tags), expected


def _ndcg() -> tuple:
    items = [f"d{i}" for i in range(8)]
    gains = RNG.integers(0, 4, (N, 8))
    gains[gains.sum(axis=1) == 0, 0] = 2
    scores = RNG.random((N, 8))
    ranked = [" ".join(np.array(items)[np.argsort(-s)]) for s in scores]
    truth = [" ".join(f"{it}:{g}" for it, g in zip(items, row, strict=True) if g > 0) for row in gains]
    answers = pd.DataFrame({"id": IDS, "docs": truth})
    sub = pd.DataFrame({"id": IDS, "docs": ranked})
    return answers, sub, _spec("ndcg@5", ("docs",)), skm.ndcg_score(gains, scores, k=5)


def _hand(metric: str, truth: list, pred: list, expected: float, **kw) -> Callable[[], tuple]:
    def build() -> tuple:
        ids = [f"h{i}" for i in range(len(truth))]
        answers = pd.DataFrame({"id": ids, "v": truth})
        sub = pd.DataFrame({"id": ids, "v": pred})
        return answers, sub, _spec(metric, ("v",), **kw), expected
    return build


def _values(metric: str, reference: Callable) -> Callable[[], tuple]:
    def build() -> tuple:
        y = np.round(RNG.lognormal(1, 0.8, N), 2)
        y[:5] = y[5]  # ties, so rank metrics meet them
        pred = np.round(y * RNG.uniform(0.6, 1.4, N) + RNG.normal(0, 0.3, N), 2)
        answers = pd.DataFrame({"id": IDS, "y": y})
        sub = pd.DataFrame({"id": IDS, "y": pred})
        return answers, sub, _spec(metric, ("y",)), reference(y, pred)
    return build


REFERENCE: dict[str, Callable[[], tuple]] = {
    "auc micro over flattened mlsp rows": _mlsp,
    "mean column auc, scored subset, -1 unscored": _ranzcr_subset_and_jigsaw_unscored,
    "lrap": _lrap,
    "kl divergence vs scipy rel_entr": _kl,
    "multiclass log loss, one-hot answers": _one_hot_log_loss,
    "error rate": _labels("error_rate", lambda y, p: 1 - skm.accuracy_score(y, p)),
    "mcc": _labels("mcc", skm.matthews_corrcoef),
    "micro f1 over label sets": _micro_f1,
    "ndcg@5 vs sklearn": _ndcg,
    # AP@5: hits at ranks 1 and 3 of 2 relevant -> (1/1 + 2/3)/2; the second row finds its item at rank 2 -> 1/2;
    # the third ranks its relevant item 6th: outside the first 5 -> 0; a repeated hit counts once.
    "map@5 by hand": _hand("map@5", ["a b", "q", "z", "m"], ["a c b", "x q", "a b c d e z", "m m m"],
                           (5 / 6 + 1 / 2 + 0 + 1) / 4),
    "levenshtein by hand": _hand("levenshtein", ["kitten", "flaw", "abc", "ёлка"], ["sitting", "lawn", "", "елка"],
                                 (3 + 2 + 3 + 1) / 4),
    # token edit distances 1 (one substitution) + 2 (two deletions) over 3 + 4 true tokens
    "normalized levenshtein by hand": _hand("normalized_levenshtein", ["1 2 3", "4 5 6 7"], ["1 9 3", "4 5"], 3 / 7),
    # {a,b,c} vs {b,c,d}: 2/4; case and repeats ignored: 1; both empty: 1; disjoint: 0
    "word jaccard by hand": _hand("word_jaccard", ["a b c", "Good day", "", "x"], ["b c d", "good DAY day", "", "y"],
                                  (0.5 + 1 + 1 + 0) / 4),
    "log mae": _values("log_mae", lambda y, p: math.log(skm.mean_absolute_error(y, p))),
    "pearson vs scipy": _values("pearson", lambda y, p: stats.pearsonr(y, p)[0]),
    "spearman vs scipy (ties)": _values("spearman", lambda y, p: stats.spearmanr(y, p).statistic),
    "rmse": _values("rmse", skm.root_mean_squared_error),
}


@pytest.mark.parametrize("case", sorted(REFERENCE))
def test_metric_matches_reference(case: str) -> None:
    answers, sub, spec, expected = REFERENCE[case]()
    assert grade_submission(sub, answers, spec) == pytest.approx(float(expected), abs=6e-6)
    shuffled = sub.sample(frac=1.0, random_state=7).reset_index(drop=True)
    assert grade_submission(shuffled, answers, spec) == grade_submission(sub, answers, spec)
    perfect = grade_submission(perfect_submission(answers, spec), answers, spec)
    from sandmle_core.metrics import get_metric

    assert perfect == pytest.approx(get_metric(spec.metric).optimum, abs=1e-9)


def test_correlations_ignore_scale_and_monotone_transforms() -> None:
    answers, sub, spec, _ = _values("pearson", lambda y, p: 0)()
    affine = sub.assign(y=3.0 * sub["y"] - 7.0)
    assert grade_submission(affine, answers, spec) == grade_submission(sub, answers, spec)
    spearman = spec.model_copy(update={"metric": "spearman"})
    monotone = sub.assign(y=np.exp(sub["y"] / 3.0))
    assert grade_submission(monotone, answers, spearman) == grade_submission(sub, answers, spearman)
    constant = sub.assign(y=1.0)
    assert grade_submission(constant, answers, spec) == 0.0  # undefined correlation scores 0, never NaN
    huge = sub.assign(y=sub["y"] * 1e300)  # an adversary's extreme values neither overflow nor change r
    assert grade_submission(huge, answers, spec) == grade_submission(sub, answers, spec)
    assert grade_submission(huge, answers, spearman) == grade_submission(sub, answers, spearman)


def test_ids_align_across_types() -> None:
    """Integer ids in the answers, text ids (and 1.0-style floats) in the submission: the same rows."""
    answers = pd.DataFrame({"id": [1, 2, 3, 4], "y": [0, 1, 0, 1]})
    sub = pd.DataFrame({"id": ["4", "3", "2", "1"], "y": [0.9, 0.2, 0.8, 0.1]})
    spec = _spec("auc", ("y",))
    assert grade_submission(sub, answers, spec) == 1.0
    assert grade_submission(sub.assign(id=[4.0, 3.0, 2.0, 1.0]), answers, spec) == 1.0


def test_denoising_pixels_graded_by_rmse_over_id_value_rows() -> None:
    truth = RNG.random((2, 5, 4))
    ids = [f"{img + 1}_{r + 1}_{c + 1}" for img in range(2) for r in range(5) for c in range(4)]
    answers = pd.DataFrame({"id": ids, "value": truth.ravel()})
    guess = np.clip(truth + RNG.normal(0, 0.1, truth.shape), 0, 1)
    sub = pd.DataFrame({"id": ids, "value": guess.ravel()}).sample(frac=1.0, random_state=1)
    expected = skm.root_mean_squared_error(truth.ravel(), guess.ravel())
    assert grade_submission(sub, answers, _spec("rmse", ("value",))) == round(expected, 5)


def test_free_text_accuracy_survives_a_csv_round_trip() -> None:
    """Text normalization: tokens like NA, null, 1.50 and '' are read by pandas as NaN or floats on both sides."""
    after = ["NA", "null", "1.50", "", "twelve", "ноль целых пять", "None"]
    ids = [f"0_{i}" for i in range(len(after))]
    text = pd.DataFrame({"id": ids, "after": after}).to_csv(index=False)
    answers = pd.read_csv(io.StringIO(text))
    sub = pd.read_csv(io.StringIO(text))
    spec = _spec("accuracy", ("after",))
    assert grade_submission(sub, answers, spec) == 1.0
    wrong = pd.read_csv(io.StringIO(sub.assign(after=["NA", "null", "1.5", "x", "twelve", "ноль целых пять", "None"])
                                    .to_csv(index=False)))
    assert grade_submission(wrong, answers, spec) == round(5 / 7, 5)


def test_ranked_lists_keep_only_the_first_k_distinct_items() -> None:
    answers = pd.DataFrame({"id": ["a"], "items": ["x"]})
    spec = _spec("map@2", ("items",))
    assert grade_submission(pd.DataFrame({"id": ["a"], "items": ["y z x"]}), answers, spec) == 0.0
    assert grade_submission(pd.DataFrame({"id": ["a"], "items": ["y x x x"]}), answers, spec) == 0.5
    assert grade_submission(pd.DataFrame({"id": ["a"], "items": [7]}), pd.DataFrame({"id": ["a"], "items": [7]}),
                            spec) == 1.0


MALFORMED = [
    ("map@5", "x", np.nan, "at least one item"),
    ("map@5", "x", "['x', 'y']", "not a space-separated list"),
    ("map@5", "x", "x,y", "not a space-separated list"),
    ("micro_f1", "a", "a;b", "not a space-separated list"),
    ("pearson", 1.0, "high", "non-numeric"),
    ("pearson", 1.0, np.inf, "non-numeric"),
    ("log_mae", 1.0, np.nan, "NaN"),
    ("mcc", "1", "2", "not one of the classes"),
    ("kl_divergence", None, None, "sum to 1"),
]


@pytest.mark.parametrize(("metric", "truth", "bad", "reason"), MALFORMED)
def test_malformed_values_are_refused_with_a_reason(metric: str, truth, bad, reason: str) -> None:
    if metric == "kl_divergence":
        answers = pd.DataFrame({"id": ["a", "b"], "p": [1, 0], "q": [0, 1]})
        sub = pd.DataFrame({"id": ["a", "b"], "p": [0.7, 0.7], "q": [0.3, 0.7]})
        spec = _spec(metric, ("p", "q"), classes=("p", "q"))
    else:
        answers = pd.DataFrame({"id": ["a", "b"], "v": [truth, truth]})
        sub = pd.DataFrame({"id": ["a", "b"], "v": pd.Series([truth, bad], dtype=object)})
        spec = _spec(metric, ("v",), classes=("0", "1") if metric == "mcc" else ("a", "b") if metric == "micro_f1"
                     else None)
        if metric == "mcc":
            answers["v"] = ["0", "1"]
    with pytest.raises(InvalidSubmission, match=reason):
        grade_submission(sub, answers, spec)


def test_passthrough_columns_are_allowed_but_never_required_or_scored() -> None:
    """mle-bench's insults submission is Insult,Date,Comment with the comment text as the id."""
    answers = pd.DataFrame({"Insult": [1, 0, 1, 0], "Date": ["20120618", None, "x", "y"],
                            "Comment": ['"you lout"', '"nice one"', '"dolt"', '"thanks"']})
    spec = GradingSpec(metric="auc", id_column="Comment", target_columns=("Insult",), submission_columns=("Insult",),
                       passthrough_columns=("Date",))
    sub = answers.assign(Insult=[0.9, 0.1, 0.8, 0.3], Date="garbage")
    assert grade_submission(sub, answers, spec) == 1.0
    assert grade_submission(sub.drop(columns=["Date"]), answers, spec) == 1.0
    with pytest.raises(InvalidSubmission, match="unexpected columns"):
        grade_submission(sub.assign(Usage="x"), answers, spec)
    assert "passthrough_columns" not in _spec("auc", ("y",)).model_dump(mode="json")  # old specs keep their hash
    with pytest.raises(ValueError, match="passthrough"):
        GradingSpec(metric="auc", id_column="i", target_columns=("y",), submission_columns=("y",),
                    passthrough_columns=("y",))


@pytest.mark.parametrize("metric", ["levenshtein", "normalized_levenshtein"])
def test_a_huge_prediction_cannot_stall_the_edit_distance(metric: str) -> None:
    """Edit distance is quadratic: a 2-million-character cell is refused before any distance is computed."""
    answers = pd.DataFrame({"id": ["a", "b"], "v": ["short answer", "x"]})
    huge = "w " * 1_000_000
    sub = pd.DataFrame({"id": ["a", "b"], "v": ["short answer", huge]})
    with pytest.raises(InvalidSubmission, match="longer than any answer needs"):
        grade_submission(sub, answers, _spec(metric, ("v",)))
    ok = sub.assign(v=["short answer", "y " * 400])
    assert grade_submission(ok, answers, _spec(metric, ("v",))) > 0


def test_class_probabilities_rounded_off_one_are_rescaled_silently() -> None:
    """Rows written to 5 decimals sum to 1 only within the 1e-4 tolerance: they are graded as the rescaled rows
    (Kaggle's log loss), without sklearn's "do not sum to one" warning on every graded file."""
    import warnings

    answers, sub, grading, _ = _one_hot_log_loss()  # its draws depend on the tests before it: any rows will do
    cols = list(grading.submission_columns)
    rounded = sub.copy()
    rounded[cols] = rounded[cols].round(5)  # each row off by at most 1.5e-5
    rounded.loc[0, cols[0]] += 6e-5  # one row pushed further, still inside the tolerance
    matrix = rounded[cols].to_numpy(float)
    assert not np.allclose(matrix.sum(axis=1), 1.0, rtol=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        score = grade_submission(rounded, answers, grading)
    labels = answers[cols].to_numpy().argmax(axis=1)
    assert score == pytest.approx(skm.log_loss(labels, matrix / matrix.sum(axis=1, keepdims=True)), abs=6e-6)
