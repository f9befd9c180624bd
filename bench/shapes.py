"""Micro-vs-full pairs of the families that have no bundled seed: each built from its schema-exact mle-bench-lite
fixture (the test tree's `tests/fixtures/mlebench`), so sequence-to-sequence, the image shapes beyond one label column
and multi-label audio join the section-1 table that the bundled seeds fill.

Per shape: the fixture is profiled like any seed, slot 0 is drafted, and the same spec is synthesized at its micro
size and at full scale (`FULL_SIZES`, the equivalent of tens of thousands of items); the ladder runs on both, and the
pair reports each level's median seconds, the time ratio and the scores, as `run._pair` does for the bundled seeds. A
shape whose fixture cannot be written (a checkout without tests/) is reported as not measured, never as a ratio.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["FULL_SIZES", "bench_fixture_pairs"]

# competition: (full-scale training items, test items); items are tokens (seq2seq), images, recordings (mlsp,
# flattened to one row per recording and species), or table rows (nomad2018)
FULL_SIZES: dict[str, tuple[int, int]] = {
    "text-normalization-challenge-english-language": (500_000, 100_000),  # tokens: ~40,000 sentences
    "aptos2019-blindness-detection": (20_000, 4_000),
    "plant-pathology-2020-fgvc7": (20_000, 4_000),
    "dogs-vs-cats-redux-kernels-edition": (20_000, 4_000),
    "ranzcr-clip-catheter-line-classification": (20_000, 4_000),
    "mlsp-2013-birds": (10_000, 2_000),  # recordings: 190,000 flattened (recording, species) rows
    "nomad2018-predict-transparent-conductors": (20_000, 4_000),  # multi-target regression: rows of two targets
    "random-acts-of-pizza": (20_000, 4_000),  # JSON records: free text + metadata
    "leaf-classification": (20_000, 4_000),  # silhouette images + the descriptor table (the seed has 990 + 594)
    "jigsaw-toxic-comment-classification-challenge": (20_000, 4_000),  # comments, six label columns
    "h-and-m-personalized-fashion-recommendations": (5_000, 1_000),  # ranking: queries, each with its candidates
}


# seconds one full-scale ladder run may take: 20,000 colour JPEGs (dogs vs cats) need more than the harness's
# default 900 s on 2 shared cores
FULL_TIMEOUT = 3600.0


def fixture_seed_ref(competition: str, work: Path) -> str:
    """The seed reference of a lite fixture competition, written in mle-bench's split layout under `work`."""
    repo = Path(__file__).resolve().parents[1]
    if str(repo) not in sys.path:  # the fixtures live in the repository's test tree, not in the installed package
        sys.path.insert(0, str(repo))
    from sandmle_core.seeds import seed_refs
    from tests.fixtures.mlebench import write_competition

    paths = write_competition(competition, work / "mlebench", "split")
    refs = seed_refs([str(work / "mlebench" / "competitions" / competition)], data_dir=paths["data"])
    assert refs is not None
    return refs[0]


def _fixture_pair(competition: str, work: Path, repeats: int, full_scale: float, full_repeats: int,
                  rng_seed: int) -> dict[str, Any]:
    from sandmle.bench.run import _level_stats, _pair, _run_ladder

    from sandmle_core.agents.offline.strategist import OfflineStrategist
    from sandmle_core.envfolder import EnvFolder
    from sandmle_core.ladder.configs import config_from_spec
    from sandmle_core.modalities import get_kit
    from sandmle_core.pipeline import analyze_seed, read_profile

    seed_id, profile_path = analyze_seed(fixture_seed_ref(competition, work), work / "corpus")
    spec = OfflineStrategist().draft_spec(seed_id, read_profile(profile_path), 0, rng_seed)
    kit = get_kit(spec.modality)
    micro_dir, full_dir = EnvFolder(work / "micro"), EnvFolder(work / "full")
    kit.synthesize(spec, micro_dir)
    n_train, n_test = (max(2, int(v * full_scale)) for v in FULL_SIZES[competition])
    kit.synthesize(spec, full_dir, n_train=n_train, n_test=n_test)
    config, lower = config_from_spec(spec), spec.dna.lower_is_better
    micro_runs, _ = _run_ladder(config, micro_dir.public, pd.read_csv(micro_dir.answers), spec.grading, repeats)
    full_runs, _ = _run_ladder(config, full_dir.public, pd.read_csv(full_dir.answers), spec.grading, full_repeats,
                               timeout=FULL_TIMEOUT)
    shutil.rmtree(full_dir.root, ignore_errors=True)
    return _pair(f"{competition} (fixture spec, {spec.modality.value} {spec.task_type.value})", "synthetic",
                 spec.n_train, n_train, _level_stats(micro_runs, lower), _level_stats(full_runs, lower))


def bench_fixture_pairs(work: Path, repeats: int, full_scale: float = 1.0, full_repeats: int = 2,
                        competitions: tuple[str, ...] = tuple(FULL_SIZES), rng_seed: int = 20261125
                        ) -> list[dict[str, Any]]:
    """One micro-vs-full pair per fixture shape (see the module text).

    Raises:
        ValueError: on a competition without a full size in `FULL_SIZES`.
    """
    unknown = sorted(set(competitions) - set(FULL_SIZES))
    if unknown:
        raise ValueError(f"no full size for {unknown} (known: {', '.join(FULL_SIZES)})")
    pairs = []
    for competition in competitions:
        try:
            pairs.append(_fixture_pair(competition, work / competition, repeats, full_scale, full_repeats, rng_seed))
        except ImportError as exc:  # a checkout without the test tree: not measured, never a ratio
            pairs.append({"name": f"{competition} (not measured: {exc})", "kind": "synthetic", "measured": False,
                          "micro_rows": 0, "full_rows": 0, "micro_total_seconds": 0.0, "full_total_seconds": 0.0,
                          "levels": {}, "total_ratio": None})
    return pairs
