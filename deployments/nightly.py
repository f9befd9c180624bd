"""The deployments: a nightly corpus build on a cron schedule and an ad-hoc `regenerate-failed`.

Serve them against a running Prefect server (see the README recipe):

    sandmle ui                                   # prefect server start, collecting off its event loop
    export PREFECT_API_URL=http://127.0.0.1:4200/api
    python -m sandmle.deployments.nightly        # serves both; Ctrl-C stops
    prefect deployment run 'build-corpus/nightly-corpus'
    prefect deployment run 'regenerate-failed/regenerate-failed' -p corpus=corpus-nightly

A nightly that ends with failed slots triggers `regenerate-failed/regenerate-failed` on its corpus by itself (the
build flow's on_failure hook, `flows/build_corpus.py:regenerate_after_failures`). For a work pool instead of `serve`,
see `deployments/prefect.yaml`.

Parameters can be overridden per run (`-p per_seed=10 -p backend=claude`). The schedule and defaults below are what
a nightly build uses when nobody overrides them.
"""

from __future__ import annotations

import os

__all__ = ["ENTRYPOINTS", "NIGHTLY_CRON", "deployments", "serve"]

NIGHTLY_CRON = os.environ.get("SANDMLE_NIGHTLY_CRON", "0 2 * * *")
NIGHTLY_PARAMETERS = {
    "seeds": None,  # every bundled seed
    "out": os.environ.get("SANDMLE_NIGHTLY_CORPUS", "corpus-nightly"),
    "per_seed": int(os.environ.get("SANDMLE_NIGHTLY_PER_SEED", "20")),
    "backend": os.environ.get("SANDMLE_NIGHTLY_BACKEND", "offline"),
    "rng_seed": None,  # derived from each night's date: every night plans new slots, so the corpus grows
}
ENTRYPOINTS = {
    "nightly-corpus": "flows/build_corpus.py:build_corpus",
    "regenerate-failed": "flows/regenerate_failed.py:regenerate_failed",
    "validate-corpus": "flows/validate_corpus.py:validate_corpus",
}


def deployments(**overrides) -> list:
    """The runner deployments (not yet registered): the nightly build, regenerate-failed and validate-corpus.

    Args:
        overrides: nightly parameters that replace `NIGHTLY_PARAMETERS` (e.g. `out`, `seeds`, `per_seed`).

    Returns:
        `RunnerDeployment`s; `serve` runs them, `.apply()` registers one without serving it.
    """
    from pathlib import Path

    from sandmle.flows.build_corpus import REGENERATE_DEPLOYMENT, build_corpus
    from sandmle.flows.regenerate_failed import regenerate_failed
    from sandmle.flows.validate_corpus import validate_corpus

    # Paths are resolved now, at deploy time: a run must not depend on the folder its worker happens to start in.
    nightly = {**NIGHTLY_PARAMETERS, **overrides}
    corpus = str(Path(nightly["out"]).expanduser().resolve())
    parameters = {**nightly, "out": corpus}
    regenerate_name = REGENERATE_DEPLOYMENT.split("/")[1]  # the name the nightly's on_failure hook triggers
    return [
        build_corpus.to_deployment(name="nightly-corpus", cron=NIGHTLY_CRON, parameters=parameters,
                                   tags=["sandmle", "nightly"],
                                   description="Nightly corpus build from the bundled seeds."),
        regenerate_failed.to_deployment(name=regenerate_name, parameters={"corpus": corpus},
                                        tags=["sandmle", "ad-hoc"],
                                        description="Re-run only the failed environments of a corpus."),
        validate_corpus.to_deployment(name="validate-corpus", parameters={"corpus": corpus},
                                      tags=["sandmle", "ad-hoc"],
                                      description="Re-check every environment of a corpus."),
    ]


def serve() -> None:
    """Register the deployments with the API in PREFECT_API_URL and run them when scheduled or triggered."""
    from prefect import serve as prefect_serve

    from sandmle.runtime import configure_environment

    configure_environment()
    prefect_serve(*deployments())


if __name__ == "__main__":
    serve()
