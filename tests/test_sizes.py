"""Size limits of the code: no module over 400 lines, no function over 80, in every package of the product and in
the benchmark. No allow-list, no exemption."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ROOTS = ("sandmle_core", "sandmle", "flows", "tasks", "data_contracts", "deployments", "bench")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
MODULES = sorted(p for root in ROOTS for p in (REPO / root).rglob("*.py"))


def _functions(tree: ast.AST) -> list[tuple[str, int]]:
    return [(node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(tree)  # type: ignore[operator]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_the_walk_sees_the_whole_product() -> None:
    assert len(MODULES) > 100
    assert {p.relative_to(REPO).parts[0] for p in MODULES} == set(ROOTS)


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_module_and_function_sizes(module: Path) -> None:
    source = module.read_text()
    lines = len(source.splitlines())
    assert lines <= MAX_MODULE_LINES, f"{module.relative_to(REPO)} has {lines} lines (at most {MAX_MODULE_LINES})"
    long = [(name, n) for name, n in _functions(ast.parse(source)) if n > MAX_FUNCTION_LINES]
    assert not long, f"{module.relative_to(REPO)}: functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_the_checks_catch_an_oversized_function() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    assert _functions(ast.parse(f"def big():\n{body}\n")) == [("big", MAX_FUNCTION_LINES + 1)]
