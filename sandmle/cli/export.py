"""`sandmle export CORPUS --layout sandmle|mlebench|tasks OUT` and `sandmle serve-grader CORPUS...`."""

from __future__ import annotations

from pathlib import Path

import typer

from sandmle.cli._app import app, print_json


@app.command()
def export(
    corpus: Path = typer.Argument(..., help="a corpus folder (holds envs/)"),
    out: Path = typer.Argument(..., help="the folder to create (a .parquet file for --layout tasks)"),
    layout: str = typer.Option(..., "--layout", help="sandmle | mlebench | tasks"),
    data_dir: Path | None = typer.Option(None, help="mlebench only: the data directory (default OUT/data)"),
    force: bool = typer.Option(False, "--force", help="replace OUT when it exists"),
) -> None:
    """Export the accepted environments for SandMLE's training code, mle-bench, or as a Parquet task table."""
    from rich.console import Console

    from sandmle.cli.checks import check_corpus, check_writable_dir
    from sandmle_core.consume.exports import LAYOUTS, export_corpus

    if layout not in LAYOUTS:
        raise typer.BadParameter(f"choose one of {', '.join(LAYOUTS)}", param_hint="--layout")
    corpus = check_corpus(corpus)
    check_writable_dir(out.parent if layout == "tasks" else out, "OUT")
    from sandmle.cli.progress import item_progress
    from sandmle_core.consume.exports import accepted_environments

    with item_progress("environments", lambda: len(accepted_environments(corpus))) as advance:
        result = export_corpus(corpus, layout, out, data_dir=data_dir, force=force, on_env=advance)
    for warning in result.warnings:
        Console(stderr=True).print(f"[bold yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    print_json(result.to_json())


@app.command("serve-grader")
def serve_grader(
    sources: list[Path] = typer.Argument(..., help="corpora, environment folders or folders of environments"),
    port: int = typer.Option(8765, help="TCP port (0 = any free port; the URL is printed)"),
    host: str = typer.Option("127.0.0.1", help="address to bind: loopback, or any address together with a token"),
    token: str | None = typer.Option(None, "--token", help="bearer token every request must carry (default: "
                                                           "$SANDMLE_GRADER_TOKEN); required beyond loopback"),
    max_loaded: int = typer.Option(256, help="environments kept in memory at once (least recently used evicted)"),
    preload: bool = typer.Option(False, "--preload", help="load (and verify) every environment before serving"),
    workers: int | None = typer.Option(None, help="threads that parse and grade (default 4 per core)"),
    request_timeout: float = typer.Option(10.0, help="seconds a request head may take once started (slow clients "
                                                     "are answered 408 and dropped)"),
) -> None:
    """Serve the warm grader: POST /grade {env_id, submission_csv}; GET /health, /envs, /envs/<id>."""
    import dataclasses
    import sys

    from sandmle_core.consume.service import GradingService
    from sandmle_core.consume.service_http import GradingHTTPServer, ServerLimits
    from sandmle_core.settings import get_settings

    token = token or get_settings().grader_token
    if (workers is not None and workers < 1) or request_timeout <= 0:
        raise typer.BadParameter("--workers must be at least 1 and --request-timeout positive")
    limits = dataclasses.replace(ServerLimits(), request_timeout=request_timeout,
                                 **({"workers": workers} if workers else {}))
    service = GradingService(sources, max_loaded=max_loaded)
    if preload:
        service.preload()
    try:
        server = GradingHTTPServer(service, port=port, host=host, token=token, limits=limits)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--host") from exc
    except OSError as exc:
        raise typer.BadParameter(f"cannot listen on {host}:{port}: {exc}", param_hint="--port") from exc
    print_json({"url": server.url, "environments": len(service), "preloaded": preload, "token": bool(token),
                "workers": limits.workers})
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
