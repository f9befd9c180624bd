"""The benchmark's own parts: the CLI refuses an unknown section, the goals table judges each figure against issue
19's targets (and says "not measured" rather than pass for a figure the run did not take; the per-modality figure is
the quality section's, else the throughput section's), and one profiled slot really builds an environment and reports
its ladder compute next to its wall time."""

from __future__ import annotations

import json

import pytest
from sandmle.bench.goals import goal_rows, machine_facts
from sandmle.bench.report import render_report
from typer.testing import CliRunner

import sandmle.cli.bench  # noqa: F401 - registers `bench` on the shared app
from sandmle.cli._app import app

# its seconds in `make test` (2026-12-06): scheduled with the heavy modules, so it never runs last, alone
pytestmark = pytest.mark.heavy(55)


def test_an_unknown_section_is_refused_with_exit_2(tmp_path) -> None:
    result = CliRunner().invoke(app, ["bench", "--section", "throughput", "--section", "speed", "--out",
                                      str(tmp_path)])
    assert result.exit_code == 2
    assert "error: --section speed: not a benchmark section" in result.output
    assert not any(tmp_path.iterdir())  # refused before anything ran


def test_corpus_needs_named_sections_without_throughput_and_a_real_corpus(tmp_path) -> None:
    """`--corpus` replaces the throughput section's build: refused with exit 2 and one error line when no section is
    named, when throughput is among them, or when the folder is not a corpus — before anything runs."""
    out = tmp_path / "out"
    not_a_corpus = tmp_path / "data"
    not_a_corpus.mkdir()
    for args, said in ((["--corpus", str(not_a_corpus)], "name the sections to run with --section"),
                       (["--corpus", str(not_a_corpus), "--section", "throughput", "--section", "medals"],
                        "leave throughput out"),
                       (["--corpus", str(not_a_corpus), "--section", "medals"], "not a sandmle corpus (no envs/")):
        result = CliRunner().invoke(app, ["bench", *args, "--out", str(out)])
        assert result.exit_code == 2, result.output
        assert result.output.count("error: --corpus") == 1 and said in result.output
        assert not out.exists()


def test_the_medals_section_runs_on_a_given_corpus(tiny_corpus, tmp_path) -> None:
    """`sandmle bench --corpus C --section medals` re-runs the ladders of C's environments (real sandboxed runs) and
    reports them; nothing else runs."""
    result = CliRunner().invoke(app, ["bench", "--quick", "--corpus", str(tiny_corpus), "--section", "medals",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    results = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    assert results["sections"] == ["medals"] and results["corpus"] == str(tiny_corpus.resolve())
    assert results["medals"]["environments"] == 2 and results["complete"]
    envs = {r["env_id"] for r in results["medals"]["per_env"]}
    assert envs == {d.name for d in (tiny_corpus / "envs").iterdir()}
    assert "## Medal stability" in next(tmp_path.glob("*/report.md")).read_text()


def test_the_quality_section_runs_on_a_given_corpus(tiny_corpus, tmp_path) -> None:
    """`--corpus C --section quality` reads C's manifest (it failed with KeyError 'plain_rows', the throughput
    section's plain-loop rows, which a given corpus has not), and the fidelity part ranks the seeds C holds."""
    result = CliRunner().invoke(app, ["bench", "--quick", "--corpus", str(tiny_corpus), "--section", "quality",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    results = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    assert results["sections"] == ["quality"] and results["complete"] and not results.get("errors")
    assert results["quality"]["accepted"] == 2, results["quality"]
    # the real ladders run for the seeds the corpus holds, not all twelve (38 s of this test, before)
    from sandmle_core.layout import read_environment

    held = {read_environment(d).config.sandmle.provenance.seed_id for d in (tiny_corpus / "envs").iterdir()}
    assert set(results["fidelity"]["per_seed"]) == held, (results["fidelity"]["per_seed"].keys(), held)
    # the per-modality figures name the corpus they were read from, not a throughput section that never ran
    report = next(tmp_path.glob("*/report.md")).read_text()
    assert f"build of {tiny_corpus.resolve()}" in report and "throughput section's" not in report


def test_goals_pass_fail_and_not_measured() -> None:
    results = {"throughput": {"workers_2": {"per_minute": 31.0}, "overhead_vs_plain": 0.25,
                              "speedup_2_vs_1": 1.9},
               "quality": {"per_modality_seconds": {"tabular": {"median_env_over_compute": 1.4},
                                                    "audio": {"median_env_over_compute": None}}}}
    verdicts = {g["goal"]: g["pass"] for g in goal_rows(results)}
    assert verdicts["accepted envs / min, whole bundled mix, 2 workers"] is True
    assert verdicts["accepted envs / min, tabular seeds, 2 workers"] is None  # not in this run
    assert verdicts["orchestration overhead, 1 worker vs plain loop"] is False
    assert verdicts["Dask speed-up, 2 workers vs 1"] is True
    assert verdicts["time per env / ladder compute, tabular (throughput section's build)"] is False
    assert verdicts["time per env / ladder compute, audio (throughput section's build)"] is None
    report = render_report({"machine": machine_facts(), "goals": goal_rows(results)})
    assert "| orchestration overhead, 1 worker vs plain loop | 0.25 | <= 0.1 | **FAIL** |" in report
    assert "| accepted envs / min, tabular seeds, 2 workers | n/a | >= 60.0 | not measured |" in report


def _row(modality: str | None, seconds: float | None, ladder: float, compute: float | None,
         status: str = "accepted") -> dict:
    timings = {"ladder": ladder, **({} if compute is None else {"ladder_compute": compute})}
    return {"status": status, "modality": modality, "seconds_total": seconds, "timings_json": json.dumps(timings)}


def test_per_modality_seconds_are_medians_over_accepted_rows() -> None:
    """Issue 19's per-modality figure from manifest rows: medians over the accepted rows with seconds, the ratio to
    the ladder scripts' compute only over the rows that carry `ladder_compute` (None when none does)."""
    from sandmle.bench.run import per_modality_seconds

    rows = [_row("tabular", 2.0, 1.5, 1.0), _row("tabular", 3.0, 2.4, 2.0), _row("tabular", 4.0, 3.6, 4.0),
            _row("tabular", 5.0, 5.0, None),  # an older row without ladder_compute: in the seconds, not the ratio
            _row("tabular", 90.0, 1.0, 1.0, status="rejected"), _row("tabular", None, 1.0, 1.0),
            _row("audio", 12.0, 11.0, None), _row(None, 7.0, 1.0, 1.0), _row("image", 9.0, 8.0, 7.0, "duplicate")]
    figures = per_modality_seconds(rows)
    assert set(figures) == {"tabular", "audio"}  # no accepted image row; a row without a modality is left out
    assert figures["tabular"] == {"environments": 4, "median_seconds_per_env": 3.5, "median_ladder_share": 0.85,
                                  "median_env_over_compute": 1.5}  # ratios 2.0, 1.5 and 1.0
    assert figures["audio"] == {"environments": 1, "median_seconds_per_env": 12.0, "median_ladder_share": 0.917,
                                "median_env_over_compute": None}
    assert per_modality_seconds([]) == {}


def test_the_throughput_section_reports_per_modality_seconds_from_its_corpus(tiny_corpus, monkeypatch,
                                                                             tmp_path) -> None:
    """The throughput section reads the figure from the manifest of the corpus the later sections read (its 2-worker
    build's), the same function and the same figure as the quality section's."""
    from sandmle.bench import run as parts
    from sandmle.bench import runner

    monkeypatch.setattr(parts, "bench_throughput", lambda *a, **k: {
        "workers_1": {"corpus": str(tmp_path / "one")}, "workers_2": {"corpus": str(tiny_corpus)}, "plain_rows": []})
    results: dict = {}
    state: dict = {}
    runner._throughput(results, state, tmp_path, quick=True)
    tp = results["throughput"]
    assert state["corpus"] == tiny_corpus and tp["corpus_build"] == "workers_2" and "plain_rows" not in tp
    tabular = tp["per_modality_seconds"]["tabular"]
    assert tabular["environments"] == 2 and tabular["median_env_over_compute"] > 1.0
    assert tp["per_modality_seconds"] == parts.per_modality_seconds(tiny_corpus)
    assert parts.bench_quality(tiny_corpus, [])["per_modality_seconds"] == tp["per_modality_seconds"]


def test_goals_and_report_take_per_modality_seconds_from_quality_else_throughput() -> None:
    """Without the quality section the goals table and report.md carry the throughput section's per-modality figure
    (in section 2) and name the build it comes from; with it, the quality section's (in section 4)."""
    tp = {"environments": 12, "seeds": ["wine", "co2"], "corpus_build": "workers_2",
          "plain": {"wall_seconds": 60.0, "accepted": 12, "per_minute": 12.0},
          "workers_2": {"wall_seconds": 40.0, "accepted": 12, "per_minute": 18.0, "corpus": "/tmp/c"},
          "per_modality_seconds": {"tabular": {"environments": 6, "median_seconds_per_env": 2.5,
                                               "median_ladder_share": 0.8, "median_env_over_compute": 1.05},
                                   "time_series": {"environments": 6, "median_seconds_per_env": 3.0,
                                                   "median_ladder_share": 0.85, "median_env_over_compute": 1.3}}}
    results = {"machine": machine_facts(), "throughput": tp}
    goals = {g["goal"]: g for g in goal_rows(results)}
    tabular = goals["time per env / ladder compute, tabular (throughput section's 2-worker build)"]
    assert tabular["value"] == 1.05 and tabular["pass"] is True
    assert goals["time per env / ladder compute, time_series (throughput section's 2-worker build)"]["pass"] is False
    report = render_report({**results, "goals": list(goals.values())})
    section_2 = report.split("## 2. Build throughput")[1]
    assert "from the manifest of the throughput section's 2-worker build (read by the throughput section;" in section_2
    assert "| tabular | 6 | 2.5 | 80% | 1.05 |" in section_2 and "## 4. Corpus quality" not in report
    assert ("| time per env / ladder compute, tabular (throughput section's 2-worker build) | 1.05 | <= 1.1 | pass |"
            in report)

    quality = {"accepted": 11, "slots": 12, "yield": 0.9167, "monotone_thresholds_share": 1.0,
               "reference_beats_sample_share": 1.0, "mean_kendall_tau": 0.9, "near_duplicate_rate": 0.0,
               "per_seed": {}, "failure_reasons": {},
               "per_modality_seconds": {"tabular": {"environments": 5, "median_seconds_per_env": 2.4,
                                                    "median_ladder_share": 0.8, "median_env_over_compute": 1.2}}}
    both = {**results, "quality": quality}
    goals = {g["goal"]: g for g in goal_rows(both)}
    assert goals["time per env / ladder compute, tabular (throughput section's 2-worker build)"]["value"] == 1.2
    assert not any("time_series" in name for name in goals)  # quality's figures, not a mix of the two
    report = render_report({**both, "goals": list(goals.values())})
    section_2, section_4 = report.split("## 2. Build throughput")[1].split("## 4. Corpus quality")
    assert "Seconds per accepted environment" not in section_2  # one table, in the section it is read from
    assert "(read by the quality section;" in section_4 and "| tabular | 5 | 2.4 | 80% | 1.20 |" in section_4


def test_one_profiled_slot_reports_ladder_compute_and_hotspots(tmp_path) -> None:
    from sandmle.bench.hotspots import profile_builds

    prof = profile_builds(tmp_path, seeds=("breast-cancer",), top=5)["breast-cancer"]
    assert prof["status"] == "accepted" and prof["modality"] == "tabular"
    timings = prof["timings"]
    # the scripts' own seconds are part of the harness's wall time, which is part of the slot's
    assert 0 < timings["ladder_compute"] < timings["ladder"] < prof["wall_seconds"]
    assert prof["env_over_compute"] > 1
    # the same split in CPU seconds: the runs' own CPU is part of the whole harness's (start-up and imports on top)
    assert 0 < timings["ladder_scripts_cpu"] < timings["ladder_cpu"] and timings["host_cpu"] > 0
    assert prof["cpu_over_scripts"] > 1
    assert len(prof["top"]) == 5 and prof["top"][0]["cumtime"] >= prof["top"][-1]["cumtime"]
    report = render_report({"machine": machine_facts(), "profile": {"breast-cancer": prof}})
    assert "## 5. Where one environment's time goes" in report and "Top 5 by cumulative time" in report


def test_a_fixture_family_gets_its_micro_vs_full_pair_and_goal_row(tmp_path) -> None:
    import pytest
    from sandmle.bench.shapes import bench_fixture_pairs

    competition = "text-normalization-challenge-english-language"
    # full_scale 0.002 of 500,000 + 100,000 tokens: a pair that runs in seconds, the same code as the full one
    (pair,) = bench_fixture_pairs(tmp_path, repeats=1, full_scale=0.002, full_repeats=1, competitions=(competition,))
    assert pair["name"].startswith(competition) and "sequence-to-sequence" in pair["name"]
    assert pair["full_rows"] == 1_000 and pair["micro_rows"] < pair["full_rows"]
    assert set(pair["levels"]) == set(range(6)) and pair["total_ratio"] > 0
    assert all(lv["micro_score"] is not None and lv["full_score"] is not None for lv in pair["levels"].values())
    rows = {g["goal"]: g for g in goal_rows({"micro_vs_full": {"pairs": [pair]}})}
    goal = rows[f"micro vs full ladder time, {pair['name']}"]
    assert goal["value"] == pair["total_ratio"] and goal["pass"] is (pair["total_ratio"] >= 20)
    # the CPU seconds of the same runs (the harness's wait4): positive, summed like the wall seconds, its own row
    assert pair["micro_cpu_seconds"] > 0 and pair["full_cpu_seconds"] > 0
    assert pair["cpu_ratio"] == pytest.approx(pair["full_cpu_seconds"] / pair["micro_cpu_seconds"], rel=0.01)
    cpu_goal = rows[f"micro vs full ladder CPU seconds, {pair['name']}"]
    assert cpu_goal["value"] == pair["cpu_ratio"] and cpu_goal["pass"] is (pair["cpu_ratio"] >= 20)
    with pytest.raises(ValueError, match="no full size"):
        bench_fixture_pairs(tmp_path, repeats=1, competitions=("spooky-author-identification",))


def test_the_multitarget_fixture_gets_its_micro_vs_full_pair(tmp_path) -> None:
    from sandmle.bench.shapes import bench_fixture_pairs

    competition = "nomad2018-predict-transparent-conductors"
    # full_scale 0.05 of 20,000 + 4,000 rows: 1,000 + 200, the same code as the full pair
    (pair,) = bench_fixture_pairs(tmp_path, repeats=1, full_scale=0.05, full_repeats=1, competitions=(competition,))
    assert pair["name"].startswith(competition) and "tabular multi-target regression" in pair["name"]
    assert pair["full_rows"] == 1_000 and pair["micro_rows"] < pair["full_rows"]
    assert set(pair["levels"]) == set(range(6)) and pair["total_ratio"] > 0
    levels = pair["levels"]
    assert all(lv["micro_score"] is not None and lv["full_score"] is not None for lv in levels.values())
    # mean column-wise RMSLE, lower is better: with 1,000 rows the top level beats the prior by a wide margin
    assert levels[5]["full_score"] < levels[0]["full_score"]


def test_full_scale_is_keyed_by_task_family_not_by_seed() -> None:
    """Link prediction's unit is a node pair: its full scale is the `graph links` family's, node classification's the
    `graph` one's, whatever the seed is called."""
    from sandmle.bench.run import FULL_ROWS, full_scale_family

    from sandmle_core.agents.offline.strategist import OfflineStrategist
    from sandmle_core.profile import profile_seed
    from sandmle_core.seeds import get_bundled_seed

    families = {}
    for seed_id in ("karate", "karate-links", "wine"):
        spec = OfflineStrategist().draft_spec(seed_id, profile_seed(get_bundled_seed(seed_id)), 0, 20261125)
        families[seed_id] = full_scale_family(spec)
    assert families == {"karate": "graph", "karate-links": "graph links", "wine": "tabular"}
    assert FULL_ROWS["graph links"] == (50_000, 10_000) and set(families.values()) <= set(FULL_ROWS)


def test_a_failing_section_is_recorded_the_others_are_kept_and_the_cli_exits_1(tmp_path, monkeypatch) -> None:
    """A section that raises (an import error mid-run, a full disk) must not take the others' figures with it: the
    real sandbox section runs after the failed one, quality is skipped with its reason (no throughput corpus), the
    report names the failure, and the exit code says the run did not succeed."""
    import json

    from sandmle.bench import runner

    def crash(results, state, work, quick):
        results["micro_vs_full"] = {"pairs": []}  # a section may have written part of its figures
        raise ImportError("cannot import name 'scaled_into_range'")

    monkeypatch.setitem(runner.RUNNERS, "micro", crash)
    result = CliRunner().invoke(app, ["bench", "--quick", "--section", "micro", "--section", "sandbox",
                                      "--section", "quality", "--out", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "error: bench section(s) micro failed (micro: ImportError: cannot import name" in result.stderr
    (folder,) = tmp_path.iterdir()
    saved = json.loads((folder / "results.json").read_text())
    assert saved["complete"] and saved["sections"] == ["micro", "sandbox", "quality"]
    assert saved["errors"]["micro"]["error"].startswith("ImportError") and saved["errors"]["micro"]["traceback"]
    assert saved["sandbox"] and "quality" in saved["skipped"] and "grading" in saved["skipped"]
    report = (folder / "report.md").read_text()
    assert "**Section `micro` failed**" in report and "Section `quality` skipped" in report


def test_results_are_written_after_every_section(tmp_path) -> None:
    """A run killed in a later section keeps what the earlier ones measured on disk (`complete` still false)."""
    import json

    from sandmle.bench.runner import run_bench

    seen = []

    def first(results, state, work, quick):
        results["throughput"] = {"workers_1": {"per_minute": 12.0}}

    def second(results, state, work, quick):
        (folder,) = tmp_path.iterdir()
        seen.append(json.loads((folder / "results.json").read_text()))
        raise KeyboardInterrupt  # a kill: nothing after this runs

    try:
        run_bench(tmp_path, quick=True, sections=("throughput", "sandbox"),
                  runners={"throughput": first, "sandbox": second})
    except KeyboardInterrupt:
        pass
    assert seen[0]["throughput"]["workers_1"]["per_minute"] == 12.0 and seen[0]["complete"] is False
    (folder,) = tmp_path.iterdir()
    assert json.loads((folder / "results.json").read_text())["complete"] is False


def test_a_pair_whose_ladder_crashed_is_not_measured() -> None:
    """A ranzcr pair whose scripts could not find the sample submission ran 0.3 s per level and reported a ratio:
    the seconds of a crash are no ladder time, so a pair with an unscored level has no ratio and cannot pass."""
    from sandmle.bench.run import _pair

    ok = {lv: {"name": f"L{lv}", "seconds": 1.0 + lv, "cpu_seconds": 1.0, "score": 0.5} for lv in range(3)}
    full = {lv: {**v, "seconds": 30.0 * v["seconds"], "cpu_seconds": 30.0} for lv, v in ok.items()}
    good = _pair("fine", "synthetic", 150, 20_000, ok, full)
    assert good["measured"] and good["total_ratio"] == 30.0 and good["cpu_ratio"] == 30.0
    crashed = {**full, 2: {**full[2], "score": None}}
    bad = _pair("ranzcr", "synthetic", 150, 20_000, ok, crashed)
    assert not bad["measured"] and bad["failed_levels"] == [2]
    assert bad["total_ratio"] is None and bad["cpu_ratio"] is None and "not measured" in bad["name"]
    verdicts = {g["goal"]: g["pass"] for g in goal_rows({"micro_vs_full": {"pairs": [good, bad]}})}
    assert any(k.startswith("micro vs full ladder time, ranzcr") and v is None for k, v in verdicts.items())
    assert verdicts["micro vs full ladder time, fine"] is True
    quick = {g["goal"]: g for g in goal_rows({"quick": True, "micro_vs_full": {"pairs": [good]}})}
    # a --quick run synthesizes 10% of the full scale: its ratios are shown, never judged against the 20x goal
    assert quick["micro vs full ladder time, fine"]["pass"] is None and "not measured" in quick[
        "micro vs full ladder time, fine"]["target"]


def test_fresh_seed_sets_are_disjoint_and_never_a_builds() -> None:
    """Each re-run takes as many seeds as the build used, from a set no build and no other re-run uses; a set that
    would run into the next one is refused."""
    import pytest
    from sandmle.bench.medals import FRESH_STRIDE, fresh_seed_sets

    from sandmle_core.agents.offline.developer import LADDER_SEEDS

    sets = fresh_seed_sets(len(LADDER_SEEDS), 3)
    assert [len(s) for s in sets] == [len(LADDER_SEEDS)] * 3
    flat = [seed for s in sets for seed in s]
    assert len(set(flat)) == len(flat) and not set(flat) & set(LADDER_SEEDS)
    for bad in ((FRESH_STRIDE + 1, 2), (0, 2), (4, 0)):
        with pytest.raises(ValueError):
            fresh_seed_sets(*bad)


def test_a_fresh_re_run_fits_every_row_on_its_first_seed_as_the_build_does(tiny_corpus) -> None:
    """A re-run runs its seeds as the build runs 0-2: the first fits every training row, the others their seeded
    subsamples. So a deterministic level's first run is the build's seed-0 run again, in every re-run, and the
    subsampled runs are not."""
    from sandmle.bench.medals import _env_facts, fresh_seed_sets, rerun_ladder

    from sandmle_core.population import level_populations

    env_dir = sorted((tiny_corpus / "envs").iterdir())[0]
    spec, validation, answers, _ = _env_facts(env_dir)
    built = level_populations((r["level"], r["score"]) for r in validation["ladder"])  # seeds 0, 1, 2 in order
    assert sorted({r["seed"] for r in validation["ladder"]}) == [0, 1, 2]
    fresh = rerun_ladder(env_dir, spec, answers, fresh_seed_sets(3, 2))
    deterministic = [level for level in built if level >= 1 and all(f[level][0] == built[level][0] for f in fresh)]
    assert deterministic, "no model level repeated the build's full fit"
    assert any(f[level][k] != built[level][0] for f in fresh for level in deterministic for k in (1, 2))


def test_medal_agreement_is_the_mean_over_fresh_re_runs(tiny_corpus) -> None:
    """Every environment's ladder is re-run once per fresh seed set; its agreement is the mean over the re-runs (the
    worst beside it), judged against the goal in the report, and the predictor is the figure validation.json
    reports."""
    import json
    import statistics

    import pytest
    from sandmle.bench.goals import goal_rows
    from sandmle.bench.medals import bench_medals
    from sandmle.bench.report import _medal_lines

    from sandmle_core.agents.offline.developer import LADDER_SEEDS

    result = bench_medals(tiny_corpus, reruns=2)
    assert result["environments"] == 2 and result["reruns"] == 2
    for row in result["per_env"]:
        env_dir = next(d for d in (tiny_corpus / "envs").iterdir() if d.name == row["env_id"])
        validation = json.loads((env_dir / "validation.json").read_text())
        assert row["seeds"] == len({r["seed"] for r in validation["ladder"]}) == len(LADDER_SEEDS)
        assert len(row["agreement_per_rerun"]) == 2 and all(0.0 <= a <= 1.0 for a in row["agreement_per_rerun"])
        assert row["agreement"] == pytest.approx(statistics.fmean(row["agreement_per_rerun"]), abs=1e-4)
        assert row["agreement_min"] == min(row["agreement_per_rerun"]) <= row["agreement"]
        assert row["predicted_stability"] == pytest.approx(validation["medal_stability"], abs=1e-4)
        # the re-runs' thresholds are placed by the recipe the build recorded
        assert row["medal_recipe"] == validation["medal_recipe"] and sum(row["medal_recipe"]) == 3
        assert 0.0 <= row["agreement_rule_redecided"] <= 1.0
    agree = [r["agreement"] for r in result["per_env"]]
    assert result["min_agreement"] == min(agree)
    assert result["share_meeting_goal"] == pytest.approx(sum(a >= result["goal"] for a in agree) / 2)
    report = "\n".join(_medal_lines(result))
    assert "| population (shipped) |" in report and "re-run 2 time(s)" in report
    assert "| population, gaps handed out again |" in report
    for row in result["per_env"]:  # every environment's mean agreement, judged against the goal
        met = "met" if row["agreement"] >= result["goal"] else "MISSED"
        assert (f"| {row['env_id']} | {row['agreement']:.3f} | {row['agreement_min']:.3f} | "
                f"{row['predicted_stability']:.3f} | {met} |") in report
    goal = next(g for g in goal_rows({"medals": result}) if g["goal"].startswith("medal agreement"))
    assert "mean of 2 re-run(s)" in goal["goal"] and goal["value"] == min(agree)
    assert goal["pass"] == (min(agree) >= 0.9)


def test_a_second_run_of_the_day_gets_its_own_folder(tmp_path) -> None:
    """A second `sandmle bench` of the day wrote into the first's folder and replaced its report; each run now gets a
    new folder: <date>, <date>b, <date>c, ..."""
    import datetime as dt

    from sandmle.bench.runner import run_folder

    day = dt.date(2026, 12, 5)
    (tmp_path / "2026-12-05").mkdir()
    (tmp_path / "2026-12-05" / "report.md").write_text("the first run")
    folders = [run_folder(tmp_path, day) for _ in range(3)]
    assert [f.name for f in folders] == ["2026-12-05b", "2026-12-05c", "2026-12-05d"]
    assert (tmp_path / "2026-12-05" / "report.md").read_text() == "the first run"
    assert run_folder(tmp_path / "fresh", day).name == "2026-12-05"
    for letter in "efghijklmnopqrstuvwxyz":
        (tmp_path / f"2026-12-05{letter}").mkdir()
    try:
        run_folder(tmp_path, day)
    except FileExistsError as exc:
        assert "up to z" in str(exc)
    else:
        raise AssertionError("a 27th run of the day got a folder")


def test_fixture_pairs_run_two_at_a_time_and_keep_their_order(tmp_path) -> None:
    """`bench_fixture_pairs(workers=2)` runs the shapes in two spawned processes (the micro section ran its full-scale
    ladders one at a time: 47+ minutes) and reports them in the order asked, each with its levels measured."""
    from sandmle.bench.shapes import bench_fixture_pairs

    competitions = ("text-normalization-challenge-english-language", "nomad2018-predict-transparent-conductors")
    pairs = bench_fixture_pairs(tmp_path, repeats=1, full_scale=0.002, full_repeats=1, competitions=competitions,
                                workers=2)
    assert [p["name"].split(" (")[0] for p in pairs] == list(competitions)
    assert all(p["measured"] is not False and set(p["levels"]) == set(range(6)) for p in pairs), pairs


def test_micro_vs_full_runs_its_seeds_two_at_a_time_in_their_order(tmp_path) -> None:
    from sandmle.bench.run import bench_micro_vs_full

    result = bench_micro_vs_full(tmp_path, repeats=1, seeds=("penguins", "wine"), full_scale=0.01, full_repeats=1,
                                 workers=2)
    assert [p["name"] for p in result["pairs"]] == ["penguins (synthetic spec)", "wine (synthetic spec)"]
    assert result["workers"] == 2 and all(set(p["levels"]) == set(range(6)) for p in result["pairs"])


def _pid_after(seconds: float, tag: str) -> tuple[str, int]:
    import os
    import time

    time.sleep(seconds)
    return tag, os.getpid()


def test_in_processes_runs_the_calls_in_spawned_processes_and_keeps_their_order() -> None:
    """The helper both micro-section tests above rely on: with 2 workers the calls run in processes other than this
    one (the first sleeps longest, so its result comes last yet is reported first); with 1 worker they run here."""
    import os

    from sandmle.bench.run import in_processes

    args = [(0.6, "a"), (0.0, "b"), (0.0, "c")]
    spawned = in_processes(_pid_after, args, workers=2)
    assert [tag for tag, _ in spawned] == ["a", "b", "c"] and os.getpid() not in {pid for _, pid in spawned}
    assert {pid for _, pid in in_processes(_pid_after, args, workers=1)} == {os.getpid()}
