"""Synthesizing a ranking environment: queries, candidate lists with graded relevance, answers and oracle.

`synthesize` draws the latent tastes of the queries, the profiles, popularity and price of a catalogue of items,
each query's candidates (drawn by popularity, duplicates dropped) and every pair's distance, then the hidden utility
and the relevance grades (`RankingRule`). It writes `queries.csv` (query id + query columns, train and test queries),
`train.csv` (query id, item id, the item and pair columns, `relevance` 0–3), `test.csv` (the same without
relevance), the answers (per test query its relevant items, best first — or `item:grade` tokens for NDCG) and the
oracle (per test query the k candidates of highest noise-free utility). Vectorised: 50,000 queries take seconds.
Ids are random permutations, so neither ids nor row order say anything about relevance. Every draw comes from the
slot's streams.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SpecError
from sandmle_core.modalities.base import SynthesisResult, scaled_into_range
from sandmle_core.modalities.ranking.drafter import RELEVANCE_COLUMN, metric_k
from sandmle_core.modalities.ranking.rule import RankFeature, RankingRule
from sandmle_core.modalities.ranking.vocab import VOCABS
from sandmle_core.slots import SlotStreams

if TYPE_CHECKING:
    from sandmle_core.taskspec import TaskSpec

__all__ = ["QUERIES_FILE", "candidate_tables", "item_column", "prior_submission", "synthesize"]

QUERIES_FILE = "queries.csv"
ITEM_ID_BASE = 100_000  # item ids are 100000 + a permutation, query ids 1 + one: the two never look alike


def item_column(spec: TaskSpec) -> str:
    """The item id column of a ranking spec (the domain vocabulary's)."""
    return VOCABS[spec.domain.key].item_column


def _view(feature: RankFeature, latent: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A public column: the latent plus noise, mapped into [low, high] and rounded."""
    s = feature.sign * latent + feature.noise_sd * rng.standard_normal(len(latent))
    return scaled_into_range(s, feature.low, feature.high, feature.kind == "integer", feature.decimals)


def _candidates(rule: RankingRule, n_q: int, pop: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """(query index, item index) of every candidate pair, each pair once, sorted by query."""
    counts = rng.integers(rule.candidates[0], rule.candidates[1] + 1, size=n_q)
    query = np.repeat(np.arange(n_q), counts)
    weights = np.exp(rule.exposure * pop)
    cum = np.cumsum(weights)
    item = np.minimum(np.searchsorted(cum, rng.random(len(query)) * cum[-1], side="right"), len(pop) - 1)
    pairs = np.unique(np.stack([query, item], axis=1), axis=0)
    return pairs[:, 0], pairs[:, 1]


def _grades(rule: RankingRule, utility: np.ndarray, query: np.ndarray, n_q: int) -> np.ndarray:
    """Relevance 0–3 from the standardised utility; each query's best candidate reaches `relevant_from` at least."""
    z = (utility - utility.mean()) / (utility.std() or 1.0)
    grade = np.searchsorted(np.asarray(rule.cuts), z, side="right").astype(np.int64)
    order = np.lexsort((-utility, query))  # by query, best first
    first = order[np.r_[True, query[order][1:] != query[order][:-1]]]
    best = np.zeros(n_q, dtype=np.int64)
    np.maximum.at(best, query, grade)
    lift = first[best[query[first]] < rule.relevant_from]
    grade[lift] = rule.relevant_from
    return grade


def _lists(frame: pd.DataFrame, id_col: str, item: str, by: str, k: int | None) -> pd.Series:
    """Per query, its items sorted by `by` (descending, ties by item id), as one space-separated cell."""
    ordered = frame.sort_values([id_col, by, item], ascending=[True, False, True])
    if k is not None:
        ordered = ordered.groupby(id_col, sort=False).head(k)
    return ordered.groupby(id_col, sort=True)[item].agg(lambda s: " ".join(str(v) for v in s))


def synthesize(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None, n_test: int | None = None
               ) -> SynthesisResult:
    """Write queries.csv, train.csv, test.csv, the answers and the oracle of a ranking spec.

    Args:
        n_train, n_test: training and test queries (the spec's micro sizes by default; any size works).

    Raises:
        SpecError: when the spec does not hold a ranking rule or the sizes are not usable.
    """
    rule = spec.rule
    if not isinstance(rule, RankingRule):
        raise SpecError(f"ranking synthesis needs a ranking rule, got {rule.kind!r}")
    n_tr = spec.n_train if n_train is None else int(n_train)
    n_te = spec.n_test if n_test is None else int(n_test)
    if n_tr < 2 or n_te < 1:
        raise SpecError(f"a ranking task needs at least 2 training and 1 test query, got {n_tr} and {n_te}")
    n_q = n_tr + n_te
    n_items = max(30, round(n_q * rule.items_per_query))
    streams = SlotStreams.of(spec)
    latent = streams("synth", "latents")
    taste, budget = latent.standard_normal((n_q, rule.dims)), latent.standard_normal(n_q)
    profile, pop, price = (latent.standard_normal((n_items, rule.dims)), latent.standard_normal(n_items),
                           latent.standard_normal(n_items))
    query, item = _candidates(rule, n_q, pop, streams("synth", "candidates"))
    distance = streams("synth", "distance").standard_normal(len(query))
    match = (taste[query] * profile[item]).sum(axis=1) / np.sqrt(rule.dims)
    clean = (rule.match_weight * match + rule.popularity_weight * pop[item] - rule.distance_weight * distance
             - rule.hinge_weight * np.maximum(0.0, price[item] - budget[query]))
    utility = clean + rule.noise_sd * streams("synth", "noise").standard_normal(len(query))
    grade = _grades(rule, utility, query, n_q)

    sources = {"taste": lambda f: taste[:, f.dim], "budget": lambda f: budget, "profile": lambda f: profile[:, f.dim],
               "popularity": lambda f: pop, "price": lambda f: price, "match": lambda f: match,
               "distance": lambda f: distance}
    id_col, item_col, pred = spec.grading.id_column, item_column(spec), spec.grading.target_columns[0]
    qids = streams("synth", "ids").permutation(n_q).astype(np.int64) + 1
    iids = streams("synth", "ids").permutation(n_items).astype(np.int64) + ITEM_ID_BASE
    queries = pd.DataFrame({id_col: qids})
    rows = pd.DataFrame({id_col: qids[query], item_col: iids[item]})
    for f in rule.features:
        rng = streams("synth", "feature", f.name)
        size = {"query": n_q, "item": n_items, "pair": len(query)}[f.where]
        values = _view(f, sources[f.source](f) if f.source in sources else np.zeros(size), rng)
        if f.where == "query":
            queries[f.name] = values
        else:
            rows[f.name] = values[item] if f.where == "item" else values
    rows[RELEVANCE_COLUMN] = grade
    rows["__clean__"] = clean
    split = streams("synth", "split").permutation(n_q)
    is_train = np.zeros(n_q, dtype=bool)
    is_train[split[:n_tr]] = True
    train = rows[is_train[query]].sort_values([id_col, item_col])
    test = rows[~is_train[query]].sort_values([id_col, item_col])

    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    queries.sort_values(id_col).to_csv(folder.public / QUERIES_FILE, index=False)
    public_cols = [c for c in rows.columns if c not in (RELEVANCE_COLUMN, "__clean__")]
    train[[*public_cols, RELEVANCE_COLUMN]].to_csv(folder.train, index=False)
    test[public_cols].to_csv(folder.test, index=False)
    k = metric_k(spec.grading.metric)
    if spec.grading.metric.startswith("ndcg@"):
        graded = test[test[RELEVANCE_COLUMN] > 0].assign(
            __token__=lambda t: t[item_col].astype(str) + ":" + t[RELEVANCE_COLUMN].astype(str))
        answers = _lists(graded, id_col, "__token__", RELEVANCE_COLUMN, None)
    else:
        answers = _lists(test[test[RELEVANCE_COLUMN] >= rule.relevant_from], id_col, item_col, RELEVANCE_COLUMN, None)
    test_ids = np.sort(qids[~is_train])
    pd.DataFrame({id_col: test_ids, pred: answers.reindex(test_ids).fillna("").to_numpy()}).to_csv(
        folder.answers, index=False)
    oracle = _lists(test, id_col, item_col, "__clean__", k)
    pd.DataFrame({id_col: test_ids, pred: oracle.reindex(test_ids).to_numpy()}).to_csv(
        folder.oracle_submission, index=False)
    per_query = np.bincount(query, minlength=n_q)
    stats = {"n_items": int(n_items), "n_candidates_train": len(train), "n_candidates_test": len(test),
             "candidates_per_query": [int(per_query.min()), int(per_query.max())],
             "relevance_shares": {str(g): round(float((grade == g).mean()), 4) for g in range(4)}}
    return SynthesisResult(folder=folder, n_train=n_tr, n_test=n_te, stats=stats)


def prior_submission(spec: TaskSpec, folder: EnvFolder) -> pd.DataFrame:
    """The sample submission: for every test query the k items with the most relevant training candidates (the
    popularity prior; the same list for every query)."""
    id_col, item_col, pred = spec.grading.id_column, item_column(spec), spec.grading.target_columns[0]
    train = pd.read_csv(folder.train, usecols=[item_col, RELEVANCE_COLUMN])
    threshold = spec.rule.relevant_from if isinstance(spec.rule, RankingRule) else 1
    totals = train.assign(hit=(train[RELEVANCE_COLUMN] >= threshold).astype(float)).groupby(item_col)["hit"].sum()
    top = sorted(totals.index, key=lambda i: (-totals[i], i))[:metric_k(spec.grading.metric)]
    ids = pd.read_csv(folder.answers, usecols=[id_col])[id_col]
    return pd.DataFrame({id_col: ids, pred: " ".join(str(i) for i in top)})


def candidate_tables(spec: TaskSpec, public: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """train.csv and test.csv with the query columns of queries.csv joined and the item id left out, train's
    `relevance` named as the target, for code that reasons over rows (the verifier's single-column leak check). A
    queries.csv column named like a candidate column is kept apart as `<name> (queries.csv)`."""
    id_col, target = spec.grading.id_column, spec.target.columns[0]
    train, test = pd.read_csv(public / "train.csv"), pd.read_csv(public / "test.csv")
    queries = pd.read_csv(public / QUERIES_FILE) if (public / QUERIES_FILE).is_file() else pd.DataFrame(
        {id_col: []})
    queries = queries.rename(columns={c: f"{c} ({QUERIES_FILE})" for c in queries.columns
                                      if c != id_col and (c in train.columns or c in test.columns)})
    queries = queries.assign(__query__=queries[id_col].astype(str)).drop(columns=[id_col])

    def joined(frame: pd.DataFrame) -> pd.DataFrame:  # ids matched as text; the frame keeps its own id values
        keyed = frame.drop(columns=[item_column(spec)], errors="ignore").assign(__query__=frame[id_col].astype(str))
        keyed = keyed.merge(queries, on="__query__", how="left").drop(columns="__query__")
        return keyed.rename(columns={RELEVANCE_COLUMN: target})

    return joined(train), joined(test)
