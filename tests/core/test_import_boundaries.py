"""sandmle_core is a plain library: it must never import the orchestration or validation stacks."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "sandmle_core"
FORBIDDEN = ("prefect", "prefect_dask", "dask", "distributed", "great_expectations")


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in {
            "import_module",
            "__import__",
        }:
            for arg in node.args[:1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    roots.add(arg.value.split(".")[0])
    return roots


@pytest.mark.parametrize("module", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_imports_no_orchestration(module: Path) -> None:
    bad = _imported_roots(module) & set(FORBIDDEN)
    assert not bad, f"{module.relative_to(CORE.parent)} imports {sorted(bad)}"


def test_importing_all_of_core_loads_no_orchestration() -> None:
    code = (
        "import importlib, pkgutil, sys, sandmle_core\n"
        "for m in pkgutil.walk_packages(sandmle_core.__path__, 'sandmle_core.'):\n"
        "    importlib.import_module(m.name)\n"
        f"bad = sorted(r for r in {FORBIDDEN!r} if r in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing sandmle_core loaded {out.stdout.strip()}"
