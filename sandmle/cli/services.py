"""`sandmle doctor`'s checks of the services a build needs: the Prefect API, a Dask LocalCluster and
great-expectations, each run for real — an API started and asked for its health, one task round-tripped through a
one-worker cluster, one expectation suite validated on a DataFrame with a row planted to fail.

Each check returns a `ServiceCheck` (ok or not, a one-line detail, seconds); it never raises, so doctor reports all
three and exits non-zero when any failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["SERVICE_CHECKS", "ServiceCheck", "check_dask", "check_great_expectations", "check_prefect", "run_checks"]


@dataclass(frozen=True)
class ServiceCheck:
    """One service's verdict: `ok`, what was seen (`detail`) and how long the check took."""

    name: str
    ok: bool
    detail: str
    seconds: float


def check_prefect() -> str:
    """The configured API (PREFECT_API_URL), or a local one started as a build would start it: its health route."""
    from sandmle.runtime import prefect_api

    with prefect_api() as url:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            response = client.request("GET", "/health")
            response.raise_for_status()
            version = client.api_version()
    return f"API {url} healthy (server {version})"


def check_dask() -> str:
    """A one-worker process LocalCluster (no dashboard) computes 6 * 7 on its worker."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        answer = client.submit(lambda x: x * 7, 6).result(timeout=300)
        if answer != 42:
            raise RuntimeError(f"the worker answered {answer!r}, not 42")
        return f"LocalCluster round trip ok ({cluster.scheduler_address})"


def check_great_expectations() -> str:
    """A uniqueness expectation passes on unique ids and fails on a planted duplicate (GX really judged both)."""
    import pandas as pd

    from sandmle.data_contracts._gx import _gx, validate_frame
    from sandmle.data_contracts.suites import Expect

    expect = [Expect("ExpectColumnValuesToBeUnique", {"column": "id"}, "ids are unique")]
    good = validate_frame(pd.DataFrame({"id": [1, 2, 3]}), "doctor-good", expect)
    bad = validate_frame(pd.DataFrame({"id": [1, 1, 3]}), "doctor-bad", expect)
    if not good[0].success or bad[0].success:
        raise RuntimeError(f"unique ids passed={good[0].success}, a duplicate passed={bad[0].success}")
    return f"great-expectations {_gx().__version__}: a validation passed and a planted duplicate failed"


SERVICE_CHECKS: dict[str, Callable[[], str]] = {
    "prefect": check_prefect,
    "dask": check_dask,
    "great-expectations": check_great_expectations,
}


def run_checks(names: list[str] | None = None) -> list[ServiceCheck]:
    """Run the named checks (default: all), each to its verdict; an exception is that check's failure."""
    results = []
    for name in names or list(SERVICE_CHECKS):
        start = time.perf_counter()
        try:
            detail, ok = SERVICE_CHECKS[name](), True
        except Exception as exc:  # the verdict of this check, reported; the other checks still run
            detail, ok = f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}", False
        results.append(ServiceCheck(name, ok, detail, round(time.perf_counter() - start, 2)))
    return results
