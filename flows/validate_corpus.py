"""Re-check every environment of a corpus (hashes, contracts, graders, leakage) and report all broken ones at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow
from prefect.artifacts import create_table_artifact
from sandmle.flows._common import untagged
from sandmle.tasks import stages

from sandmle_core.layout import Corpus

__all__ = ["validate_corpus"]


@flow(name="validate-corpus", log_prints=True)
def validate_corpus(corpus: str = "corpus", contracts: bool = True) -> dict[str, Any]:
    root = Corpus(Path(corpus).resolve())
    with untagged():  # no concurrency round trip per environment (flows._common.untagged)
        futures = [stages.validate_environment.submit(d, contracts) for d in root.environment_dirs()]
    reports = [f.result() for f in futures]
    broken = [r for r in reports if not r["ok"]]
    if broken:
        create_table_artifact(key=f"broken-environments-{stages.corpus_slug(root.root)}", table=[
            {"env_id": r["env_id"], "problems": "; ".join(r["problems"])[:500]} for r in broken])
    return {"corpus": str(root.root), "checked": len(reports), "broken": broken}
