"""The wheel must contain every package folder: pyproject lists them explicitly (the layout maps folders)."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROOTS = {
    "sandmle": "sandmle",
    "sandmle_core": "sandmle_core",
    "tasks": "sandmle.tasks",
    "flows": "sandmle.flows",
    "data_contracts": "sandmle.data_contracts",
    "deployments": "sandmle.deployments",
    "bench": "sandmle.bench",
}


def test_every_package_folder_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set()
    for folder, dotted in ROOTS.items():
        for init in (REPO / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(REPO / folder)
            found.add(".".join([dotted, *rel.parts]))
    assert found - listed == set(), f"add these to [tool.setuptools] packages: {sorted(found - listed)}"
