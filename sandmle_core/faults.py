"""Planned faults: make a stage fail on purpose, to rehearse retries, failure records and regeneration.

Operators use it to check that a nightly build survives a flaky stage; the test suite uses it to plant failures in
real Dask worker processes. A plan is a JSON file named by `SANDMLE_FAULT_PLAN`:

    {"faults": [{"stage": "synthesize", "slot": "penguins:0", "times": 2, "error": "transient"}]}

`error` is `transient` (an OSError: the kind of failure Prefect retries), `generation` (a GenerationError: a domain
failure the repair loop and the failure record handle) or `crash` (the process kills itself with SIGKILL, as a power
cut or the OOM killer would: no cleanup runs). `slot` is `<seed id>:<index>` or `*`. `times` bounds how often the
fault fires across all processes; firings are counted by files beside the plan. Without the variable nothing happens
(one environment lookup).

Stages: `synthesize` and `ladder` (inside a slot's build), `publish` (a finished, finalized staging folder, just
before the near-duplicate check and the rename into `envs/`) and `publish-index` (just after the rename, before the
corpus' index of published environments is updated).
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

from sandmle_core.errors import GenerationError

__all__ = ["FAULT_PLAN_ENV", "maybe_fail"]

FAULT_PLAN_ENV = "SANDMLE_FAULT_PLAN"


def maybe_fail(stage: str, slot: str) -> None:
    """Raise the planned fault for (stage, slot), if the plan has one that has not fired `times` times yet."""
    path = os.environ.get(FAULT_PLAN_ENV)
    if not path:
        return
    plan_path = Path(path)
    try:
        faults = json.loads(plan_path.read_text()).get("faults", [])
    except (OSError, ValueError):
        return
    for i, fault in enumerate(faults):
        if fault.get("stage") != stage or fault.get("slot") not in (slot, "*"):
            continue
        counter = plan_path.with_name(f"{plan_path.name}.{i}.{slot.replace(':', '_')}.fired")
        with open(counter, "a+") as handle:  # one byte per firing; append is atomic for one byte
            handle.seek(0)
            fired = len(handle.read())
            if fired >= int(fault.get("times", 1)):
                continue
            handle.write("x")
        message = f"planned fault #{i} in stage {stage} for slot {slot} (firing {fired + 1})"
        kind = fault.get("error", "transient")
        if kind == "crash":
            os.kill(os.getpid(), signal.SIGKILL)
        if kind == "generation":
            raise GenerationError(stage, message)
        raise OSError(message)
