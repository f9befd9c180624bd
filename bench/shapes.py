"""Micro-vs-full pairs of the families that have no bundled seed: image-to-image from a spec drafted from the
denoising DNA (`bench_image2image`), the others each built from its schema-exact mle-bench-lite
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

__all__ = ["FULL_SIZES", "IMAGE2IMAGE_FULL_PAGES", "bench_fixture_pairs", "bench_image2image", "image2image_spec"]

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

    from sandmle_core.agents.offline.developer import write_reference_submissions
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
    write_reference_submissions(spec, micro_dir)  # the sample submission, as a build writes it
    n_train, n_test = (max(2, int(v * full_scale)) for v in FULL_SIZES[competition])
    kit.synthesize(spec, full_dir, n_train=n_train, n_test=n_test)
    write_reference_submissions(spec, full_dir)
    config, lower = config_from_spec(spec), spec.dna.lower_is_better
    micro_runs, _ = _run_ladder(config, micro_dir.public, pd.read_csv(micro_dir.answers), spec.grading, repeats)
    full_runs, _ = _run_ladder(config, full_dir.public, pd.read_csv(full_dir.answers), spec.grading, full_repeats,
                               timeout=FULL_TIMEOUT)
    shutil.rmtree(full_dir.root, ignore_errors=True)
    return _pair(f"{competition} (fixture spec, {spec.modality.value} {spec.task_type.value})", "synthetic",
                 spec.n_train, n_train, _level_stats(micro_runs, lower), _level_stats(full_runs, lower))


def _measured_pair(competition: str, work: Path, repeats: int, full_scale: float, full_repeats: int,
                   rng_seed: int) -> dict[str, Any]:
    """`_fixture_pair`, or a pair marked not measured in a checkout without the test tree (never a ratio)."""
    try:
        return _fixture_pair(competition, work / competition, repeats, full_scale, full_repeats, rng_seed)
    except ImportError as exc:
        return {"name": f"{competition} (not measured: {exc})", "kind": "synthetic", "measured": False,
                "micro_rows": 0, "full_rows": 0, "micro_total_seconds": 0.0, "full_total_seconds": 0.0,
                "levels": {}, "total_ratio": None}


def bench_fixture_pairs(work: Path, repeats: int, full_scale: float = 1.0, full_repeats: int = 2,
                        competitions: tuple[str, ...] = tuple(FULL_SIZES), rng_seed: int = 20261125,
                        workers: int = 2) -> list[dict[str, Any]]:
    """One micro-vs-full pair per fixture shape (see the module text), `workers` shapes at a time in processes of
    their own (as `bench_micro_vs_full` runs its seeds), reported in the order of `competitions`.

    Raises:
        ValueError: on a competition without a full size in `FULL_SIZES`.
    """
    unknown = sorted(set(competitions) - set(FULL_SIZES))
    if unknown:
        raise ValueError(f"no full size for {unknown} (known: {', '.join(FULL_SIZES)})")
    from sandmle.bench.run import in_processes

    return in_processes(_measured_pair, [(c, work, repeats, full_scale, full_repeats, rng_seed) for c in competitions],
                        workers)


IMAGE2IMAGE_FULL_PAGES = (4_000, 400)  # full scale of the image-to-image family: 400 test pages ~ 2M pixel rows


def image2image_spec(n_train: int = 150, n_test: int = 24, difficulty: float = 0.5):
    """A drafted image-to-image spec (no bundled seed of this family: drafted from the denoising DNA directly)."""
    from sandmle_core.catalog import load_catalog
    from sandmle_core.modalities.base import DraftContext
    from sandmle_core.modalities.image2image.drafter import draft
    from sandmle_core.slots import stream
    from sandmle_core.spec import DomainRef, GradingSpec, Modality, TaskType
    from sandmle_core.taskspec import SeedDNA, TaskSpec

    domain = load_catalog().get("motor_claims")
    dna = SeedDNA(seed_id="denoising-dirty-documents", modality=Modality.IMAGE_TO_IMAGE,
                  task_type=TaskType.PER_PIXEL, metric="rmse", lower_is_better=True, label_cardinality=None,
                  min_class_share=None, missing_rate=0.0, feature_mix={"image": 1})
    d = draft(DraftContext(dna=dna, profile=None, domain=domain, rng=stream(20261125, dna.seed_id, 0, "draft"),  # type: ignore[arg-type]
                           difficulty=difficulty, challenges=(), n_train=n_train, n_test=n_test))
    return TaskSpec(
        seed_id=dna.seed_id, index=0, rng_seed=20261125, dna=dna,
        domain=DomainRef(key=domain.key, title=domain.title, sector=domain.sector, entity=domain.entity),
        title=d.title, story=domain.render_story(target="the clean page"), modality=Modality.IMAGE_TO_IMAGE,
        task_type=TaskType.PER_PIXEL, grading=GradingSpec(metric="rmse", id_column=d.id_column,
                                                          target_columns=d.target.columns,
                                                          submission_columns=d.target.columns),
        columns=d.columns, target=d.target, n_train=n_train, n_test=n_test, difficulty=difficulty, challenges=(),
        rule=d.rule)


def bench_image2image(work: Path, repeats: int, full_scale: float = 1.0, full_repeats: int = 2) -> dict[str, Any]:
    """The image-to-image family's micro-vs-full pair (same spec, micro pages vs `IMAGE2IMAGE_FULL_PAGES`)."""
    from sandmle.bench.run import _level_stats, _pair, _run_ladder

    from sandmle_core.agents.offline.developer import write_reference_submissions
    from sandmle_core.envfolder import EnvFolder
    from sandmle_core.ladder.configs import config_from_spec
    from sandmle_core.modalities import get_kit

    spec = image2image_spec()
    kit = get_kit(spec.modality)
    micro_dir, full_dir = EnvFolder(work / "image2image-micro"), EnvFolder(work / "image2image-full")
    kit.synthesize(spec, micro_dir)
    write_reference_submissions(spec, micro_dir)  # the sample submission, as a build writes it
    n_train, n_test = (max(1, int(v * full_scale)) for v in IMAGE2IMAGE_FULL_PAGES)
    kit.synthesize(spec, full_dir, n_train=n_train, n_test=n_test)
    write_reference_submissions(spec, full_dir)
    config = config_from_spec(spec)
    micro_runs, _ = _run_ladder(config, micro_dir.public, pd.read_csv(micro_dir.answers), spec.grading, repeats)
    full_runs, _ = _run_ladder(config, full_dir.public, pd.read_csv(full_dir.answers), spec.grading, full_repeats,
                               timeout=FULL_TIMEOUT)
    shutil.rmtree(full_dir.root, ignore_errors=True)
    return _pair("image-to-image (synthetic spec, pages)", "synthetic", spec.n_train, n_train,
                 _level_stats(micro_runs, True), _level_stats(full_runs, True))
