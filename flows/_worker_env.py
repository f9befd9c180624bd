"""A Dask worker preload (`dask_setup`): the worker's environment becomes exactly the one the flow process passed.

Workers are forked from a forkserver (`_common.py`) whose environment is the flow process's when the server
started. The Nanny sets the variables it is given (`env`, the flow process's whole environment when it built the
cluster) but removes none, so a variable set then and unset since (an earlier build's fault plan, API URL or rule)
would still reach the worker. The flow process names every variable it had in `ENV_KEYS`; this removes the others,
but for the ones Dask itself sets for its workers (`distributed.nanny.pre-spawn-environ` and `.environ`: one BLAS
thread, malloc trimming). It runs before the worker takes any task.
"""

from __future__ import annotations

import json
import os

__all__ = ["ENV_KEYS", "dask_setup"]

ENV_KEYS = "SANDMLE_WORKER_ENV_KEYS"


def dask_setup(worker=None) -> None:
    keys = os.environ.pop(ENV_KEYS, None)
    if keys is None:
        return
    import dask

    keep = set(json.loads(keys))
    for section in ("distributed.nanny.pre-spawn-environ", "distributed.nanny.environ"):
        keep |= set(dask.config.get(section, {}) or {})
    for name in [k for k in os.environ if k not in keep]:
        del os.environ[name]
