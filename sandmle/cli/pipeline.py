"""`sandmle build | regenerate | validate | list | show | ui`: running the Prefect flows and reading a corpus."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import typer

from sandmle.cli._app import app, print_json
from sandmle.cli.checks import (
    BackendChoice,
    check_budget,
    check_corpus,
    check_mix,
    check_rule,
    check_seed_files,
    check_seeds,
    check_writable_dir,
)


@app.command()
def build(
    seed: list[str] = typer.Option(None, "--seed", help="bundled seed id, competition folder, or (with "
                                                         "--mlebench-root) mle-bench competition id (repeatable); "
                                                         "default: every bundled seed"),
    data_dir: Path = typer.Option(None, "--data-dir", help="mle-bench's data root (<id>/prepared/): the split "
                                                           "layout"),
    mlebench_root: Path = typer.Option(None, "--mlebench-root", help="the mle-bench repository: --seed/--seed-set "
                                                                     "name competition ids"),
    seed_set: Path = typer.Option(None, "--seed-set", help="a file of competition ids, one per line"),
    per_seed: int = typer.Option(3, "--per-seed", min=1, help="environments per seed"),
    mix: str = typer.Option(None, "--mix", help="target modality mix, e.g. image=0.49,tabular=0.25,text=0.1: the "
                                                "per-seed x seeds slots are re-apportioned across the seeds to "
                                                "follow it; the summary reports the achieved mix"),
    out: Path = typer.Option(Path("corpus"), "--out", help="corpus folder (resumed when it exists)"),
    backend: BackendChoice = typer.Option(BackendChoice.offline, "--backend", help="generation backend"),
    budget_usd: str = typer.Option(None, "--budget-usd", help="claude only: stop starting slots once the finished "
                                                              "slots' measured cost reaches this many US dollars; "
                                                              "the rest are recorded as unbuilt (exit 1)"),
    rule: str = typer.Option(None, "--rule", help="claude only: calibrated (sandmle calibrates one of its rule "
                                                  "models; the default) or script (the developer writes "
                                                  "generate.py); sets SANDMLE_CLAUDE_RULE for the build"),
    rng_seed: int = typer.Option(0, "--rng-seed", help="the build's rng seed"),
    workers: int = typer.Option(None, "--workers", min=1, help="Dask workers (default: one per core)"),
    dask_address: str = typer.Option(None, "--dask-address", help="existing Dask scheduler, tcp://HOST:PORT"),
    no_contracts: bool = typer.Option(False, "--no-contracts", help="skip the great-expectations stage"),
    build_id: str = typer.Option(None, "--build-id", help="names the flow run build-<corpus>-<build id> "
                                                          "(default: its start time, UTC)"),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
) -> None:
    """Build a corpus of verified micro-environments (the `build-corpus` Prefect flow on Dask).

    Exit status: 0 every slot landed (or was withheld as a near-duplicate); 1 some slot failed, or --budget-usd was
    reached before every slot started (the rest of the corpus is built and kept); 3 some seed was unsupported (the
    other seeds are built); 4 the Dask cluster lost all its workers and restarting them did not hold (the finished
    slots are kept; a re-run builds the rest); 130/143 SIGINT/SIGTERM (the Prefect server and Dask cluster the
    run started are stopped first); 2 bad input, refused before anything starts."""
    from sandmle.runtime import prefect_api, unwind_on_signals

    backend = BackendChoice(backend).value
    from sandmle_core.seeds import bundled_seed_ids, seed_refs

    if mlebench_root is None and data_dir is None:  # plain --seed values: bundled ids or combined folders
        check_seeds(list(seed) if seed else None)
    seeds = seed_refs(list(seed) if seed else None, data_dir, mlebench_root, seed_set)  # bad input: exit 2 now
    check_seed_files(seeds)  # a broken description.md, config.yaml or table: exit 2 before Prefect starts
    shares = check_mix(mix)
    budget = check_budget(budget_usd, backend)
    rule = check_rule(rule, backend)
    out = check_writable_dir(out, "--out")
    from sandmle_core.build_lock import check_unlocked

    check_unlocked(out)
    if backend == "claude":  # fail before starting anything when the key is missing
        from sandmle_core.agents.claude import require_api_key

        require_api_key()
    if rule is not None:  # workers build backends by name and read their settings from the environment
        os.environ["SANDMLE_CLAUDE_RULE"] = rule
    total = per_seed * len(seeds or bundled_seed_ids())
    with unwind_on_signals(), prefect_api() as url:
        from prefect import tags

        from sandmle.cli.progress import BuildProgress, progress_tag
        from sandmle.flows.build_corpus import build_corpus

        tag = progress_tag()
        from sandmle.tasks.stages import corpus_slug

        run_tags = [f"corpus:{corpus_slug(out)}", f"backend:{backend}", "seeds:" + ",".join(seeds or ["bundled"])[:100]]
        with tags(tag, *run_tags), BuildProgress(tag, total) if not as_json else contextlib.nullcontext():
            state = build_corpus(seeds=seeds, out=str(out), per_seed=per_seed, backend=backend, rng_seed=rng_seed,
                                 dask_address=dask_address, workers=workers, contracts=not no_contracts,
                                 build_id=build_id, mix=shares, budget_usd=budget, return_state=True)
        result = _result_or_lost(state)
    if as_json:
        print_json({k: v for k, v in result.items() if k != "summary"} | {"state": state.name})
        _exit_for(state, result)
        return
    _print_build(result, url)
    _exit_for(state, result)


def _print_build(result: dict, url: str) -> None:
    """The build's summary, where the corpus is, unsupported seeds, and the budget line when a budget was set."""
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console()
    console.print(Markdown(result["summary"]))
    if result["skipped_published"]:
        console.print(f"{result['skipped_published']} slots were already published and kept (resume).")
    console.print(f"corpus: [bold]{result['corpus']}[/]  (API used: {url})")
    console.print("next: `sandmle list CORPUS`, `sandmle show ENV_DIR`, `sandmle ui` for the Prefect UI")
    for seed_id, reason in result.get("unsupported_seeds", {}).items():
        console.print(f"[bold yellow]unsupported seed[/] {seed_id}: {reason}", highlight=False, soft_wrap=True)
    if result.get("budget"):
        from sandmle_core.budget import budget_line

        typer.echo(budget_line(result["budget"]))


CLUSTER_LOST_EXIT = 4


def _result_or_lost(state) -> dict:
    """The flow's result dict; a build whose Dask cluster was lost (`ClusterLost`) exits `CLUSTER_LOST_EXIT` with one
    `error:` line (the flow run is Failed and its log has the ERROR line)."""
    from sandmle.flows._watchdog import ClusterLost
    from sandmle.flows.build_corpus import flow_result

    try:
        return flow_result(state)
    except ClusterLost as exc:
        typer.echo(f"error: the flow run ended {state.name}: {exc}; the finished environments are kept, run the "
                   "same command again to build the rest", err=True)
        raise typer.Exit(CLUSTER_LOST_EXIT) from None


def _exit_for(state, result: dict) -> None:
    """When the flow run ended Failed (its rule: a slot failed, a seed was unsupported), one line saying why and a
    non-zero exit: 3 when seeds were refused as unsupported, 1 when slots failed; the corpus and its artifacts are
    already written either way."""
    if state.is_failed():
        from sandmle_core.refusals import UNSUPPORTED_EXIT

        typer.echo(f"error: the flow run ended {state.name}: {state.message}", err=True)
        raise typer.Exit(UNSUPPORTED_EXIT if result.get("unsupported_seeds") else 1)


@app.command()
def regenerate(
    corpus: Path = typer.Argument(..., help="corpus folder"),
    backend: BackendChoice = typer.Option(BackendChoice.offline, "--backend"),
    budget_usd: str = typer.Option(None, "--budget-usd", help="claude only: stop starting slots once the finished "
                                                              "slots' measured cost reaches this many US dollars "
                                                              "(their failure records stay for the next run)"),
    rule: str = typer.Option(None, "--rule", help="claude only: calibrated (sandmle calibrates one of its rule "
                                                  "models; the default) or script (the developer writes "
                                                  "generate.py); sets SANDMLE_CLAUDE_RULE for the run"),
    workers: int = typer.Option(None, "--workers", min=1),
    dask_address: str = typer.Option(None, "--dask-address"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Re-run only the failed environments of a corpus, with a fresh rng seed per attempt (exit 1 when some still
    fail or --budget-usd was reached before every slot started, 2 for bad input — nothing is created then)."""
    from sandmle.runtime import prefect_api, unwind_on_signals

    budget = check_budget(budget_usd, BackendChoice(backend).value)
    rule = check_rule(rule, BackendChoice(backend).value)
    root = check_corpus(corpus)
    check_writable_dir(root, "CORPUS")
    if backend == BackendChoice.claude:  # fail before starting anything when the key is missing
        from sandmle_core.agents.claude import require_api_key

        require_api_key()
    if rule is not None:  # workers build backends by name and read their settings from the environment
        os.environ["SANDMLE_CLAUDE_RULE"] = rule
    with unwind_on_signals(), prefect_api():
        from prefect import tags

        from sandmle.cli.progress import BuildProgress, progress_tag
        from sandmle.flows.regenerate_failed import regenerate_failed
        from sandmle_core.layout import Corpus
        from sandmle_core.records import read_failures

        tag, total = progress_tag(), len(read_failures(Corpus(root)))
        with tags(tag), BuildProgress(tag, total) if not as_json else contextlib.nullcontext():
            state = regenerate_failed(corpus=str(root), backend=BackendChoice(backend).value, workers=workers,
                                      dask_address=dask_address, budget_usd=budget, return_state=True)
        result = _result_or_lost(state)
    if as_json:
        print_json({k: v for k, v in result.items() if k != "summary"} | {"state": state.name})
    else:
        typer.echo(f"retried {result['retried']}, fixed {result['fixed']}, still failed {result['still_failed']}")
        if result.get("budget"):
            from sandmle_core.budget import budget_line

            typer.echo(budget_line(result["budget"]))
    _exit_for(state, result)


@app.command()
def validate(
    corpus: Path = typer.Argument(..., help="corpus folder"),
    data_docs: Path = typer.Option(None, "--data-docs", help="also build a great-expectations Data Docs site here"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Re-check every environment (hashes, contracts, graders, leakage); exit 1 when any is broken, 2 when CORPUS is
    not a corpus."""
    from sandmle.runtime import prefect_api

    root = check_corpus(corpus)
    if data_docs is not None:
        check_writable_dir(data_docs, "--data-docs")
    with prefect_api():
        from prefect import tags

        from sandmle.cli.progress import BuildProgress, progress_tag
        from sandmle.flows.validate_corpus import validate_corpus
        from sandmle.tasks.stages import VALIDATE_RUN_PREFIX
        from sandmle_core.layout import Corpus

        tag, total = progress_tag(), len(Corpus(root).environment_dirs())
        progress = BuildProgress(tag, total, prefix=VALIDATE_RUN_PREFIX, accepted=False)
        with tags(tag), progress if not as_json else contextlib.nullcontext():
            result = validate_corpus(corpus=str(root))
    site = None
    if data_docs is not None:
        from sandmle.data_contracts import build_data_docs
        from sandmle_core.layout import Corpus

        site = build_data_docs(Corpus(corpus.resolve()).environment_dirs(), data_docs)
    if as_json:
        print_json({**result, "data_docs": str(site) if site else None})
    else:
        typer.echo(f"checked {result['checked']} environments, {len(result['broken'])} broken")
        for r in result["broken"]:
            typer.echo(f"  {r['env_id']}: " + "; ".join(r["problems"]))
        if site:
            typer.echo(f"data docs: {site}")
    if result["broken"]:
        raise typer.Exit(1)


@app.command("list")
def list_envs(
    corpus: Path = typer.Argument(..., help="corpus folder"),
    status: str = typer.Option(None, "--status", help="only rows with this status (accepted, failed, ...)"),
    check: bool = typer.Option(False, "--check", help="also read every listed environment's config.yaml (about "
                                                      "25 ms each) and show what is missing or broken; exit 1 if any"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The corpus manifest: one row per slot (with --check, each accepted environment's folder is read too)."""
    from sandmle_core.errors import EnvironmentFormatError
    from sandmle_core.layout import Corpus, read_config
    from sandmle_core.records import read_manifest

    store = Corpus(check_corpus(corpus))
    rows = read_manifest(store).to_pylist()
    if status:
        rows = [r for r in rows if r["status"] == status]
    columns = ["env_id", "status", "modality", "task_type", "metric", "domain", "n_train", "reference_score", "gold"]
    if check:
        columns.append("problem")
        for r in rows:
            r["problem"] = None
            if r["status"] == "accepted" and r.get("env_id"):
                try:
                    read_config(store.env_dir(r["env_id"]))
                except EnvironmentFormatError as exc:
                    r["problem"] = str(exc)
    broken = sum(bool(r.get("problem")) for r in rows)
    if as_json:
        print_json(rows)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"{corpus} — {len(rows)} slots" + (f", {broken} broken" if check else ""))
        for col in columns:
            table.add_column(col)
        for r in rows:
            table.add_row(*(str(r.get(c)) if r.get(c) is not None else "" for c in columns))
        Console().print(table)
    if broken:
        raise typer.Exit(1)


@app.command()
def show(env_dir: Path = typer.Argument(..., help="an environment folder"),
         as_json: bool = typer.Option(False, "--json")) -> None:
    """One environment: task, sizes, thresholds, provenance and files."""
    from sandmle_core.layout import read_environment

    env = read_environment(env_dir)
    block = env.config.sandmle
    info = {"id": env.config.id, "name": env.config.name, "modality": block.modality, "task_type": block.task_type,
            "domain": block.domain, "metric": block.grading.metric, "sizes": block.sizes,
            "thresholds": block.thresholds.model_dump(), "provenance": block.provenance.model_dump(),
            "files": sorted(block.hashes)}
    if as_json:
        print_json(info)
        return
    from rich.console import Console
    from rich.pretty import Pretty

    Console().print(Pretty(info))


@app.command()
def ui(port: int = typer.Option(4200, "--port"), host: str = typer.Option("127.0.0.1", "--host")) -> None:
    """Start the Prefect UI and API on loopback with the project-local PREFECT_HOME (Ctrl-C stops it)."""
    import subprocess
    import sys

    from sandmle.runtime import configure_environment

    configure_environment()
    typer.echo(f"Prefect UI: http://{host}:{port}  (PREFECT_HOME={os.environ['PREFECT_HOME']})")
    typer.echo(f"point builds at it with: export PREFECT_API_URL=http://{host}:{port}/api")
    # `prefect server start`, in a process whose garbage collection runs off the server's event loop
    # (`sandmle.prefect_server`: a collection on the loop could stall every build reporting to it for 60 s)
    raise typer.Exit(subprocess.call([sys.executable, "-m", "sandmle.prefect_server", "server", "start", "--host", host,
                                      "--port", str(port)]))


@app.command()
def diff(
    old: Path = typer.Argument(..., help="the earlier corpus (say, last night's copy)"),
    new: Path = typer.Argument(..., help="the later corpus"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """What NEW added, dropped or changed relative to OLD, slot by slot (from their manifests)."""
    from sandmle_core.layout import Corpus
    from sandmle_core.report import diff_corpora

    result = diff_corpora(Corpus(check_corpus(old)), Corpus(check_corpus(new)))
    if as_json:
        print_json(result)
        return
    for kind, sign in (("added", "+"), ("dropped", "-")):
        for row in result[kind]:
            typer.echo(f"{sign} {row['slot']}  {row['env_id']}  {row['status']}")
    for row in result["changed"]:
        typer.echo(f"~ {row['slot']}  {row['old_env_id']} ({row['old_status']}) -> {row['new_env_id']} "
                   f"({row['new_status']})")
    typer.echo(f"{len(result['added'])} added, {len(result['dropped'])} dropped, {len(result['changed'])} changed")
