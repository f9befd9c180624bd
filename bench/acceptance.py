"""Benchmark section: K slots per generator family on its bundled or fixture seed, and how many are accepted.

Issue 14's acceptance goal per family (tabular, text, image, time series, audio, image-to-image, sequence-to-sequence):
K = 10 builds with >= 9 accepted, thresholds monotone and beating the sample, ladder Kendall tau >= 0.8, and a
byte-identical rebuild (the first accepted slot is built again from scratch and every file of its folder compared). Too
slow for
the test suite (image and image-to-image take minutes per slot), so it is measured here. Each family builds with the
pipeline's own calls in a plain loop (`plain.build_plain`, real great-expectations contracts); the two families without
a bundled seed build from the schema-exact mle-bench fixtures in tests/fixtures/mlebench (a clone's test tree). A
family whose seed cannot be prepared is reported as not measured, never as passed.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from pathlib import Path
from typing import Any

from sandmle.bench.goals import env_over_compute

__all__ = ["FAMILIES", "acceptance_lines", "bench_acceptance"]

# family: (bundled seed id, or None) / (mle-bench lite competition of the fixtures, or None)
FAMILIES: dict[str, tuple[str | None, str | None]] = {
    "tabular": ("breast-cancer", None),
    "text": ("docstrings", None),
    "image": ("digits", None),
    "time_series": ("co2", None),
    "audio": ("whale-calls", None),
    "image_to_image": (None, "denoising-dirty-documents"),
    "seq2seq": (None, "text-normalization-challenge-english-language"),
    # the image and audio task shapes beyond one label column (issue 14), from their lite fixtures
    "image_ordinal": (None, "aptos2019-blindness-detection"),
    "image_onehot": (None, "plant-pathology-2020-fgvc7"),
    "image_names": (None, "dogs-vs-cats-redux-kernels-edition"),
    "image_multilabel": (None, "ranzcr-clip-catheter-line-classification"),
    "audio_multilabel": (None, "mlsp-2013-birds"),
    "image_metadata": (None, "siim-isic-melanoma-classification"),  # images + a metadata table
    "image_breeds": (None, "dog-breed-identification"),  # one probability column per class, 120 classes
    "image_binary": (None, "aerial-cactus-identification"),  # one probability column, ids naming zipped JPEGs
    # issue 15: multi-target regression (two targets, mean column-wise RMSLE, ids restarting at 1 in each file)
    "tabular_multitarget": (None, "nomad2018-predict-transparent-conductors"),
    # issue 15: text multi-label (six 0/1 label columns, mean column-wise ROC AUC)
    "text_multilabel": (None, "jigsaw-toxic-comment-classification-challenge"),
    # issue 15: free text + a metadata record per row, JSON records, train-only leak fields (pizza's shape)
    "text_tabular": (None, "random-acts-of-pizza"),
    # issue 15: binary text whose comment is the key (`Insult,Date,Comment`, sample_submission_null.csv, ROC AUC)
    "text_keyed": (None, "detecting-insults-in-social-commentary"),
    # issue 15: binary silhouettes + a 192-column descriptor table, one probability column per species
    "image_tabular": (None, "leaf-classification"),
    "graph": ("karate", None),  # node classification on nodes.csv + edges.csv (the karate club's real graph)
    # issue 15: ranking (candidate lists per query, graded relevance, MAP@12) from an H&M-like fixture seed
    "ranking": (None, "h-and-m-personalized-fashion-recommendations"),
    # issue 15: link prediction (pair tables + the observed graph, AUC; the karate club's held-out friendships)
    "graph_link": ("karate-links", None),
    # issue 15: 40-class text (one probability column per subject, multi-class log loss), drafted at 17-24 classes
    "text_many": (None, "library-subject-headings"),
}
ACCEPT_SHARE = 0.9
TAU_GOAL = 0.8


def _seed_ref(family: str, work: Path) -> str:
    """The seed reference a family builds from: a bundled id, or a fixture competition written under `work`."""
    bundled, competition = FAMILIES[family]
    if bundled:
        return bundled
    from sandmle.bench.shapes import fixture_seed_ref

    return fixture_seed_ref(competition, work)


def _family(family: str, k: int, work: Path, rng_seed: int) -> dict[str, Any]:
    from sandmle.bench.plain import build_plain
    from sandmle.data_contracts import contract_checker

    from sandmle_core.layout import Corpus

    start = time.perf_counter()
    try:
        ref = _seed_ref(family, work / family)
    except Exception as exc:  # a missing test tree or fixture: reported, never passed
        return {"family": family, "k": k, "measured": False, "error": f"{type(exc).__name__}: {exc}", "pass": None}
    built = build_plain([ref], work / family / "corpus", per_seed=k, rng_seed=rng_seed,
                        check_contracts=contract_checker)
    rows = built["rows"]
    accepted = [r for r in rows if r.status == "accepted"]
    taus = [r.kendall_tau for r in accepted if r.kendall_tau is not None]
    monotone = beats = 0
    for env_dir in Corpus(work / family / "corpus").environment_dirs():
        checks = {c["name"]: c["passed"] for c in json.loads((env_dir / "validation.json").read_text())["checks"]}
        monotone += bool(checks.get("thresholds_strictly_monotone"))
        beats += bool(checks.get("thresholds_beat_sample"))
    reasons: dict[str, int] = {}
    for r in rows:
        if r.status != "accepted":
            key = f"{r.status} at {r.stage}: {(r.reason or '')[:80]}"
            reasons[key] = reasons.get(key, 0) + 1
    seconds = round(time.perf_counter() - start, 1)
    per_env = [r.seconds_total for r in accepted if r.seconds_total]
    # time per environment over the compute its ladder scripts need (issue 19's per-modality figure, per family)
    over_compute = [x for r in accepted
                    if (x := env_over_compute(r.seconds_total, json.loads(r.timings_json or "{}"))) is not None]
    identical = _rebuild_identical(ref, work / family, k, rng_seed) if accepted else None
    out = {"family": family, "seed": ref, "k": k, "measured": True, "accepted": len(accepted),
           "mean_tau": round(statistics.fmean(taus), 4) if taus else None, "min_tau": min(taus) if taus else None,
           "monotone": monotone, "beats_sample": beats, "rebuild_identical": identical, "failure_reasons": reasons,
           "seconds": seconds,
           "median_seconds_per_env": round(statistics.median(per_env), 2) if per_env else None,
           "median_env_over_compute": round(statistics.median(over_compute), 3) if over_compute else None}
    out["pass"] = bool(len(accepted) >= math.ceil(ACCEPT_SHARE * k) and accepted and monotone == len(accepted)
                       and beats == len(accepted) and out["mean_tau"] is not None and out["mean_tau"] >= TAU_GOAL
                       and identical)
    return out


def _rebuild_identical(ref: str, work: Path, k: int, rng_seed: int) -> bool:
    """Build the first accepted slot again in a new corpus and compare every file of the two folders (config.yaml,
    validation.json, ladder and data included)."""
    from sandmle.data_contracts import contract_checker

    from sandmle_core.layout import Corpus, hash_files
    from sandmle_core.pipeline import analyze_seed, plan_slots, read_profile, run_slot
    from sandmle_core.records import read_manifest

    first = next(r for r in read_manifest(Corpus(work / "corpus")).to_pylist() if r["status"] == "accepted")
    again = work / "rebuild"
    seed_id, profile = analyze_seed(ref, again)
    job = next(j for j in plan_slots(seed_id, read_profile(profile), k, rng_seed, again)
               if j.key.index == first["index"])
    if run_slot(job, contract_checker).status != "accepted":
        return False
    return hash_files(Corpus(work / "corpus").env_dir(first["env_id"]), exclude=()) == \
        hash_files(Corpus(again).env_dir(first["env_id"]), exclude=())


def bench_acceptance(work: Path, k: int = 10, families: tuple[str, ...] = tuple(FAMILIES),
                     rng_seed: int = 20261130) -> dict[str, Any]:
    """Build `k` slots per family; report accepted/k, mean and min ladder tau, and the threshold checks.

    A family passes when >= 90% of its slots are accepted (9 of 10), every accepted environment's thresholds are
    strictly monotone and beat the sample, its mean ladder tau is >= 0.8, and its first accepted slot rebuilds
    byte-identical.

    Raises:
        ValueError: on an unknown family or k < 1.
    """
    unknown = sorted(set(families) - set(FAMILIES))
    if unknown or k < 1:
        raise ValueError(f"unknown families {unknown} (known: {', '.join(FAMILIES)})" if unknown else "k must be >= 1")
    rows = [_family(f, k, work, rng_seed) for f in families]
    return {"k": k, "goal": f">= {math.ceil(ACCEPT_SHARE * k)}/{k} accepted, monotone, beat sample, mean tau >= "
                            f"{TAU_GOAL}, rebuild byte-identical", "families": rows}


def acceptance_lines(acceptance: dict[str, Any]) -> list[str]:
    """report.md's acceptance section: one row per family."""
    lines = [f"## Acceptance per family (K={acceptance['k']}; goal {acceptance['goal']})", "",
             "| family | seed | accepted | mean tau | min tau | monotone | beat sample | rebuild identical | seconds | "
             "s per env (median) | env / ladder compute | verdict |", "|---" * 12 + "|"]
    for f in acceptance["families"]:
        if not f.get("measured"):
            lines.append(f"| {f['family']} | - | not measured: {f.get('error', '')[:80]} | | | | | | | | | "
                         "not measured |")
            continue
        seed = str(f["seed"]).split(" ")[0].rstrip("/").rsplit("/", 1)[-1]
        lines.append(f"| {f['family']} | {seed} | {f['accepted']}/{f['k']} | {f['mean_tau']} | {f['min_tau']} | "
                     f"{f['monotone']} | {f['beats_sample']} | {_yes_no(f.get('rebuild_identical'))} | "
                     f"{f['seconds']} | {_dash(f.get('median_seconds_per_env'))} | "
                     f"{_dash(f.get('median_env_over_compute'))} | {'pass' if f['pass'] else 'FAIL'} |")
        lines += [f"|  | {reason} ({n}) | | | | | | | | | | |" for reason, n in f["failure_reasons"].items()]
    return [*lines, ""]


def _dash(value: float | None) -> str:
    return "-" if value is None else str(value)


def _yes_no(flag: bool | None) -> str:
    return "-" if flag is None else ("yes" if flag else "NO")
