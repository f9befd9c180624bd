"""One real Prefect API for the pipeline tests: a local server on a temporary PREFECT_HOME, started once per session
(starting one costs 10–30 s with prefect 3.8, so every flow test shares it)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-home")
    saved = {k: os.environ.get(k) for k in ("PREFECT_HOME", "PREFECT_API_URL")}
    os.environ["PREFECT_HOME"] = str(home)
    os.environ.pop("PREFECT_API_URL", None)
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    from prefect.settings import PREFECT_HOME, temporary_settings

    from sandmle.runtime import prefect_api as start_api

    with temporary_settings(updates={PREFECT_HOME: str(home)}), start_api() as url:
        yield url
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
