"""Re-checking a published environment: file hashes, data contracts, graders and leakage, every problem listed.

What `sandmle validate` and the `validate-corpus` flow run on each environment of a corpus. A broken environment is
reported, never raised, so one run lists every broken environment at once.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

from sandmle_core.agents.checks import grader_checks, leakage_checks
from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SandmleError
from sandmle_core.generate import ContractChecker
from sandmle_core.grading import grade_submission
from sandmle_core.layout import read_environment
from sandmle_core.taskspec import TaskSpec

__all__ = ["validate_environment"]


def validate_environment(env_dir: str | Path, check_contracts: ContractChecker | None = None) -> dict[str, Any]:
    """Re-check one published environment: file hashes, contracts, graders and leakage; every problem is listed.

    Returns:
        {"env_id", "ok", "problems": [str, ...], "checks": n} — never raises for a broken environment.
    """
    folder = EnvFolder(Path(env_dir))
    problems: list[str] = []
    n = 0
    try:
        env = read_environment(folder.root, verify_hashes=True)
        spec = TaskSpec.model_validate(env.config.sandmle.spec)
    except (SandmleError, ValueError) as exc:
        return {"env_id": folder.name, "ok": False, "problems": [f"format: {exc}"], "checks": 1}
    if check_contracts is not None:
        try:
            results = check_contracts(folder, spec)
            n += len(results)
        except SandmleError as exc:
            problems.append(f"contracts: {exc}")
    try:
        oracle = grade_submission(pd.read_csv(folder.oracle_submission), pd.read_csv(folder.answers), spec.grading)
        checks = grader_checks(spec, folder, SimpleNamespace(oracle_score=oracle))  # type: ignore[arg-type]
        checks += leakage_checks(spec, folder)
        n += len(checks)
        problems += [f"{c.group}/{c.name}: {c.detail} ({c.figure})" for c in checks if not c.passed]
    except (SandmleError, OSError, ValueError, KeyError) as exc:
        problems.append(f"graders: {type(exc).__name__}: {exc}")
    return {"env_id": folder.name, "ok": not problems, "problems": problems, "checks": n}
