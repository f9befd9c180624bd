"""The text + metadata ladder (random-acts-of-pizza's shape): six standalone scripts on requests — free text and a
metadata record each — from the success prior to an ensemble of text and metadata models.

Levels: 0 the training prior; 1 the requester's activity counts alone (log-scaled numbers), logistic regression; 2
the words — TF-IDF of title and body (word uni- and bigrams, sublinear) — and the counts in one logistic regression;
3 two stages: a cross-fitted text score (a TF-IDF logistic regression's log-odds, out of fold on the training rows)
beside the whole record (counts, list memberships, one-hot categories, posting hour and date) and the score times
each count (words may weigh more for new accounts), logistic regression; 4 the words and the whole record in one
logistic regression (the record's columns scaled down so they do not swamp the words); 5 an ensemble: levels 4 and 3
and gradient-boosted trees on the two-stage columns, rank-blended 3:1:1. On a few hundred rows the one-stage model
of level 4 beats the two-stage one (its text score is fitted on folds of an already small set).

A script reads `train.json`/`test.json` when the folder has them (lists stay lists) and `train.csv`/`test.csv`
otherwise (a list written as JSON text), learns from the fields train and test share (a train-only field is never
used), and infers each field's kind from its values, so it runs on a synthetic environment and on the real seed
alike (numpy, pandas and scikit-learn only).
"""

from __future__ import annotations

from sandmle_core.ladder import SEED_ENV, LadderConfig, LadderScript

__all__ = ["scripts"]

_PRELUDE = '''
import json
import os
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")
SEED = int(os.environ.get(SEED_ENV, "0"))
SUBSAMPLE = os.environ.get("SANDMLE_SUBSAMPLE", "1" if SEED else "0") == "1"  # fit on a seeded 90% subsample


def read(part):
    """A part's records: the JSON records when the folder has them, else the CSV table."""
    path = os.path.join("public", part + ".json")
    if os.path.exists(path):
        return pd.read_json(path, orient="records", dtype=False)
    return pd.read_csv(os.path.join("public", part + ".csv"), dtype={ID: str})


def load():
    """train and test; a seeded 90% subsample of the training rows when SUBSAMPLE is true."""
    train, test = read("train"), read("test")
    train = train[train[TARGET].notna()].reset_index(drop=True)
    train[TARGET] = train[TARGET].astype(int).astype(str)  # true/false in JSON, 0/1 in CSV
    if SUBSAMPLE:
        keep = np.sort(np.random.default_rng(SEED).permutation(len(train))[: max(1, int(round(0.9 * len(train))))])
        train = train.iloc[keep].reset_index(drop=True)
    return train, test


def as_list(value):
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str) and value.startswith("["):
        return [str(v) for v in json.loads(value)]
    return []


def kinds(train, test):
    """Each field both parts share (id and target aside) → text, list, time, number or category (or None)."""
    out = {}
    for c in [c for c in FEATURES if c in train.columns and c in test.columns and c not in (ID, TARGET)]:
        values = train[c].dropna()
        first = values.iloc[0] if len(values) else None
        if isinstance(first, list) or (isinstance(first, str) and first.startswith("[")):
            out[c] = "list"
        elif pd.api.types.is_bool_dtype(train[c]) or pd.api.types.is_numeric_dtype(train[c]):
            out[c] = "time" if values.min() > 1e8 else "number"
        elif values.astype(str).str.split().str.len().mean() >= 3:
            out[c] = "text"
        elif values.nunique() <= 20:
            out[c] = "category"
    return out


def words(frame, fields):
    """Every text field of each row, joined."""
    cols = [c for c, k in fields.items() if k == "text"]
    return frame[cols].fillna("").astype(str).agg(" . ".join, axis=1).tolist() if cols else [""] * len(frame)


def counts(train, test, fields):
    """The numeric fields, log-scaled when never negative."""
    parts_a, parts_b = [], []
    for c in [c for c, k in fields.items() if k == "number"]:
        a = pd.to_numeric(train[c], errors="coerce").astype(float)
        b = pd.to_numeric(test[c], errors="coerce").astype(float)
        fill = a.median()
        a, b = a.fillna(fill).to_numpy(), b.fillna(fill).to_numpy()
        if a.min() >= 0:
            a, b = np.log1p(a), np.log1p(np.maximum(b, 0))
        parts_a.append(a)
        parts_b.append(b)
    if not parts_a:
        return np.zeros((len(train), 1)), np.zeros((len(test), 1))
    return np.column_stack(parts_a), np.column_stack(parts_b)


def record(train, test, fields):
    """The whole record: counts, list sizes and memberships, one-hot categories, posting hour (as a circle and an
    evening flag) and date."""
    a, b = counts(train, test, fields)
    parts_a, parts_b = list(a.T), list(b.T)
    for c, k in fields.items():
        if k == "list":
            a, b = train[c].map(as_list), test[c].map(as_list)
            parts_a.append(a.str.len().to_numpy(float))
            parts_b.append(b.str.len().to_numpy(float))
            seen = pd.Series([v for row in a for v in row]).value_counts()
            for name in sorted(seen[seen >= 3].index[:40]):
                parts_a.append(a.map(lambda row, n=name: n in row).to_numpy(float))
                parts_b.append(b.map(lambda row, n=name: n in row).to_numpy(float))
        elif k == "category":
            levels = train[c].fillna("missing").astype(str)
            for level in sorted(levels.unique()):
                parts_a.append((levels == level).to_numpy(float))
                parts_b.append((test[c].fillna("missing").astype(str) == level).to_numpy(float))
        elif k == "time":
            for frame, parts in ((train, parts_a), (test, parts_b)):
                t = pd.to_numeric(frame[c], errors="coerce").fillna(0).to_numpy(float)
                hour = (t // 3600) % 24
                parts += [np.sin(2 * np.pi * hour / 24), np.cos(2 * np.pi * hour / 24), (hour >= 17).astype(float),
                          t / (365.25 * 86400)]
    return np.column_stack(parts_a), np.column_stack(parts_b)


def rank(p):
    """Ranks scaled to (0, 1): ROC AUC reads only the order, and ranks put two models on one scale."""
    order = np.argsort(np.argsort(p, kind="stable"), kind="stable")
    return (order + 1.0) / (len(p) + 1.0)


def write(test, p):
    """Write submission.csv: the positive class's probability (or score) per test request."""
    out = pd.DataFrame({ID: test[ID].astype(str).to_numpy()})
    out[SUBMISSION[0]] = np.round(np.clip(np.asarray(p, dtype=float), 1e-4, 1.0 - 1e-4), 6)
    out.to_csv("submission.csv", index=False)


def positive(model, proba):
    return proba[:, list(model.classes_).index(POSITIVE)]


def logistic(x_train, y, x_test, c=0.3):
    """A standardized, class-balanced logistic regression's positive-class probability on the test rows."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(with_mean=False), LogisticRegression(
        C=c, max_iter=3000, class_weight="balanced", random_state=SEED))
    model.fit(x_train, y)
    return positive(model, model.predict_proba(x_test))


def tfidf(text_train, text_test):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    try:
        return vec.fit_transform(text_train), vec.transform(text_test)
    except ValueError:  # no word seen twice
        vec = TfidfVectorizer(sublinear_tf=True)
        return vec.fit_transform(text_train), vec.transform(text_test)


def text_model(text_train, y, text_test):
    """TF-IDF and a logistic regression: the positive class's probability on the test texts."""
    from sklearn.linear_model import LogisticRegression

    a, b = tfidf(text_train, text_test)
    model = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced", random_state=SEED).fit(a, y)
    return positive(model, model.predict_proba(b))


def text_score(text_train, y, text_test):
    """The text model's log-odds: cross-fitted (5 folds) on the training rows, so a model stacked on it sees honest
    scores, and fitted on every training row for the test rows."""
    from sklearn.model_selection import StratifiedKFold

    y, text_train = np.asarray(y), np.asarray(text_train, dtype=object)
    folds = StratifiedKFold(n_splits=max(2, min(5, int((y == POSITIVE).sum()))), shuffle=True, random_state=SEED)
    out = np.zeros(len(y))
    for fit, held in folds.split(text_train, y):
        p = text_model(list(text_train[fit]), y[fit], list(text_train[held]))
        out[held] = np.log(p + 1e-6) - np.log(1 - p + 1e-6)
    p = text_model(list(text_train), y, text_test)
    return out, np.log(p + 1e-6) - np.log(1 - p + 1e-6)


def linear_all(train, test, fields, y, record_fields=True):
    """Words and the numbers (or the whole record) in one logistic regression: one penalty for thousands of word
    columns and a few record columns (the whole record's many columns scaled down, so they do not swamp the words)."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    a, b = tfidf(words(train, fields), words(test, fields))
    m_a, m_b = record(train, test, fields) if record_fields else counts(train, test, fields)
    mean, sd = m_a.mean(0), m_a.std(0) + 1e-9
    scale, c = (0.25, 1.0) if record_fields else (0.5, 2.0)
    x_a = sparse.hstack([a, sparse.csr_matrix((m_a - mean) / sd * scale)]).tocsr()
    x_b = sparse.hstack([b, sparse.csr_matrix((m_b - mean) / sd * scale)]).tocsr()
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=SEED).fit(x_a, y)
    return positive(model, model.predict_proba(x_b))


def stacked(train, test, fields, y):
    """A cross-fitted text score, the record, and the score times each (standardized) count: the columns of the
    two-stage models, where how much the words count may depend on who wrote them."""
    m_a, m_b = record(train, test, fields)
    c_a, c_b = counts(train, test, fields)
    mean, sd = c_a.mean(0), c_a.std(0) + 1e-9
    s_a, s_b = text_score(words(train, fields), y, words(test, fields))
    return (np.column_stack([s_a, m_a, s_a[:, None] * (c_a - mean) / sd]),
            np.column_stack([s_b, m_b, s_b[:, None] * (c_b - mean) / sd]))


def trees(x_a, y, x_b):
    """Boosted shallow trees (started from a logistic fit): they add what the linear start misses."""
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    model = GradientBoostingClassifier(init=LogisticRegression(C=0.5, max_iter=3000), n_estimators=80,
                                       learning_rate=0.05, max_depth=2, subsample=0.8, random_state=SEED)
    model.fit(x_a, y)
    return positive(model, model.predict_proba(x_b))
'''

_LEVELS: tuple[tuple[str, str, str], ...] = (
    ("prior", "the training prior: the share of successful requests", '''
train, test = load()
write(test, np.full(len(test), (train[TARGET] == POSITIVE).mean()))
'''),
    ("counts_logreg", "the requester's activity counts alone (log-scaled), logistic regression", '''
train, test = load()
fields = kinds(train, test)
a, b = counts(train, test, fields)
write(test, logistic(a, train[TARGET], b))
'''),
    ("text_counts_linear", "TF-IDF words of title and body and the activity counts, one logistic regression", '''
train, test = load()
write(test, linear_all(train, test, kinds(train, test), train[TARGET].to_numpy(), record_fields=False))
'''),
    ("two_stage_logreg", "two stages: a cross-fitted text score beside the whole record, with the score times each "
     "count, logistic regression", '''
train, test = load()
y = train[TARGET].to_numpy()
a, b = stacked(train, test, kinds(train, test), y)
write(test, logistic(a, y, b))
'''),
    ("text_record_linear", "TF-IDF words and the whole record in one logistic regression", '''
train, test = load()
write(test, linear_all(train, test, kinds(train, test), train[TARGET].to_numpy()))
'''),
    ("ensemble", "rank blend (3:1:1) of level 4, level 3 and boosted trees on the two-stage columns", '''
train, test = load()
fields, y = kinds(train, test), train[TARGET].to_numpy()
a, b = stacked(train, test, fields, y)
write(test, (3 * rank(linear_all(train, test, fields, y)) + rank(logistic(a, y, b)) + rank(trees(a, y, b))) / 5)
'''),
)


def _header(config: LadderConfig, level: int, name: str, summary: str) -> str:
    features = tuple(c for c in (config.feature_columns or ()) if c not in (config.id_column, *config.target_columns))
    positive = "1" if not config.classes or "1" in config.classes else str(config.classes[-1])
    return (
        f'"""Ladder level {level} ({name}): {summary}.\n\n'
        f"Reads ./public/train.json and ./public/test.json (or train.csv and test.csv); writes ./submission.csv.\n"
        f'Generated by sandmle. Seed from ${SEED_ENV} (default 0); $SANDMLE_SUBSAMPLE=1 '
        f'(unset: seed not 0) = a seeded 90% subsample."""\n'
        f"\nSEED_ENV = {SEED_ENV!r}\n"
        f"ID = {config.id_column!r}\n"
        f"TARGET = {config.target_columns[0]!r}\n"
        f"FEATURES = {features!r}\n"
        f"SUBMISSION = {tuple(config.submission_columns)!r}\n"
        f"POSITIVE = {positive!r}\n"
    )


def scripts(config: LadderConfig) -> list[LadderScript]:
    """The text + metadata ladder of a binary task scored on the positive class's probability, weakest first.

    Raises:
        ValueError: when the task is not one target column with one probability column submitted.
    """
    if config.metric_kind != "probability" or len(config.target_columns) != 1 or len(config.submission_columns) != 1:
        raise ValueError("the text + metadata ladder needs one 0/1 target and one probability column submitted")
    return [LadderScript(level=level, name=name, summary=summary,
                         source=_header(config, level, name, summary) + _PRELUDE + "\n" + body.lstrip("\n"))
            for level, (name, summary, body) in enumerate(_LEVELS)]
