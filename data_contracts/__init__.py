"""Data contracts of environments, checked with great-expectations.

`suites` derives each artifact's expectations from the environment's spec (no great-expectations import);
`check` runs them (`check_environment`, `require`, `contract_checker`, `ContractViolation`); `docs` builds a Data Docs
site (`build_data_docs`). great-expectations itself is imported on first use only (it costs seconds), and one
ephemeral context is cached per process. Installed as `sandmle.data_contracts`.

Imports: great-expectations, pandas, the environment's spec (`sandmle_core.taskspec`) and the format wing of
`sandmle_core` (`envfolder`, `layout`, `metrics`, `grader_runtime`), and the listing readers of two seed-shaped
layouts (`modalities.image.named` for labels in image names, mlsp's label file); never the tasks or the flows.
`named` holds the contract of a labels-in-names environment (dogs vs. cats), whose file listings stand in for the
tables; in ranzcr's layout the listing of `test/` stands in for test.csv (`check.plan_checks`); `graph` holds that of
a node-classification environment (node ids in train.csv and test.csv, the attributes in nodes.csv, the edges in
edges.csv), `graph_links` that of a link-prediction one (node pairs in train.csv and test.csv, none of them an edge
of edges.csv).
"""

from sandmle.data_contracts.check import (
    ContractViolation,
    check_environment,
    contract_checker,
    require,
)
from sandmle.data_contracts.docs import build_data_docs
from sandmle.data_contracts.suites import ARTIFACTS, artifact_suites

__all__ = [
    "ARTIFACTS",
    "ContractViolation",
    "artifact_suites",
    "build_data_docs",
    "check_environment",
    "contract_checker",
    "require",
]
