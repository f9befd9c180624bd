"""The layering of the code, read from its imports: every direction the architecture forbids fails here.

Wings of `sandmle_core`: *format* (what an environment is) ← *build* (what makes environments) and *format* ←
*consume* (what uses them). So: format ↛ build/consume, consume ↛ build, build ↛ consume, and no module of
sandmle_core imports the orchestration side (`sandmle.flows/tasks/data_contracts/deployments/cli`), the benchmark,
or the orchestration and validation stacks (prefect, dask, great-expectations); Prefect tasks never import flows.
Imports are read from the source with `ast`: `import`, `from ... import` (relative ones resolved), and
`importlib.import_module` / `__import__` calls. A dynamic import whose target cannot be read statically fails unless
it is allow-listed below with a reason.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORE = REPO / "sandmle_core"
# folder → dotted package it installs as (pyproject's package-dir)
FOLDERS = {"sandmle_core": "sandmle_core", "sandmle": "sandmle", "tasks": "sandmle.tasks", "flows": "sandmle.flows",
           "data_contracts": "sandmle.data_contracts", "deployments": "sandmle.deployments", "bench": "sandmle.bench"}
STACKS = ("prefect", "prefect_dask", "dask", "distributed", "great_expectations")
ORCHESTRATION = ("sandmle.flows", "sandmle.tasks", "sandmle.data_contracts", "sandmle.deployments", "sandmle.cli",
                 "sandmle.bench", "sandmle.rl", "sandmle.runtime")
BUILD = ("seeds", "profile", "catalog", "agents", "modalities", "generate", "pipeline", "ladder", "taskspec", "slots",
         "outcomes", "publish", "image_index", "recovery", "recheck", "profiling", "refusals", "report", "build_lock",
         "mix", "budget", "slot_ends")
# (file, the unparsed argument) → why its target cannot be a constant
ALLOWED_DYNAMIC = {
    ("sandmle_core/consume/tasks.py", "module_name"):
        "an mle-bench competition names its grader in config.yaml (`grader.grade_fn: module:function`)",
    ("sandmle_core/ladder/harness.py", "module"):
        "runs inside the sandbox; preloads the modules the parent listed in the job file (pandas, scikit-learn)",
    ("sandmle_core/seeds/sources.py", "module_name"):
        "walks the constant `_DOC_MODULES` table of third-party libraries whose docstrings seed the text task",
}
DYNAMIC_CALLS = {"import_module", "__import__"}


def dotted(path: Path) -> str:
    """The installed module name of a source file."""
    rel = path.relative_to(REPO)
    parts = [*FOLDERS[rel.parts[0]].split("."), *rel.parts[1:]]
    parts[-1] = parts[-1].removesuffix(".py")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def wing(module: str) -> str | None:
    """format, build or consume for a module of sandmle_core; None outside it."""
    parts = module.split(".")
    if parts[0] != "sandmle_core":
        return None
    if len(parts) > 1 and parts[1] == "consume":
        return "consume"
    return "build" if len(parts) > 1 and parts[1] in BUILD else "format"


def _dynamic_target(arg: ast.expr) -> str | None:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        prefix = str(arg.values[0].value)  # f"pkg.{name}": the package is known, the leaf is one of its modules
        return prefix.rstrip(".") if prefix.endswith(".") else None
    return None


def imports(source: str, module: str, is_package: bool = False) -> tuple[set[str], list[str]]:
    """The modules `source` imports (resolved, with `from X import y` also as `X.y`) and the unresolved dynamic
    imports (as the unparsed argument)."""
    found: set[str] = set()
    unresolved: list[str] = []
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in DYNAMIC_CALLS:
            if not node.args:
                unresolved.append("<no argument>")
                continue
            target = _dynamic_target(node.args[0])
            if target is None:
                unresolved.append(ast.unparse(node.args[0]))
            else:
                found.add(target)
    return found, unresolved


def violations(module: str, targets: set[str]) -> list[str]:
    """Every forbidden edge from `module` to one of `targets`, as "module → target (rule)"."""
    bad = []
    mine = wing(module)
    for target in sorted(targets):
        theirs = wing(target)
        rule = None
        if module.startswith("sandmle_core") and target.split(".")[0] in STACKS:
            rule = "core ↛ prefect/dask/great-expectations"
        elif module.startswith("sandmle_core") and target.startswith(ORCHESTRATION):
            rule = "core ↛ the orchestration side and the benchmark"
        elif mine == "format" and theirs in ("build", "consume"):
            rule = f"format ↛ {theirs}"
        elif mine == "consume" and theirs == "build":
            rule = "consume ↛ build"
        elif mine == "build" and theirs == "consume":
            rule = "build ↛ consume"
        elif module.startswith("sandmle.tasks") and target.startswith("sandmle.flows"):
            rule = "tasks ↛ flows"
        if rule:
            bad.append(f"{module} → {target} ({rule})")
    return bad


SOURCES = sorted(p for folder in FOLDERS for p in (REPO / folder).rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_import_respects_the_layers(path: Path) -> None:
    module = dotted(path)
    found, unresolved = imports(path.read_text(), module, is_package=path.name == "__init__.py")
    assert violations(module, found) == []
    rel = path.relative_to(REPO).as_posix()
    unexplained = [arg for arg in unresolved if (rel, arg) not in ALLOWED_DYNAMIC]
    assert not unexplained, f"{rel}: dynamic import of {unexplained} cannot be checked; import a constant name"


def test_every_allow_listed_dynamic_import_still_exists() -> None:
    for rel, arg in ALLOWED_DYNAMIC:
        _, unresolved = imports((REPO / rel).read_text(), dotted(REPO / rel))
        assert arg in unresolved, f"{rel} no longer imports {arg!r} dynamically: drop it from ALLOWED_DYNAMIC"


@pytest.mark.parametrize(("module", "source", "expected"), [
    ("sandmle_core.consume.gym", "from sandmle_core.seeds import load_seed", "consume ↛ build"),
    ("sandmle_core.consume.gym", "from ..profile import profile_seed", "consume ↛ build"),
    ("sandmle_core.consume.gym", "import importlib\nimportlib.import_module('sandmle_core.pipeline')",
     "consume ↛ build"),
    ("sandmle_core.grading", "from sandmle_core import generate", "format ↛ build"),
    ("sandmle_core.pipeline", "from sandmle_core.consume.registry import discover", "build ↛ consume"),
    ("sandmle_core.layout", "from .consume.service import GradingService", "format ↛ consume"),
    ("sandmle_core.records", "__import__('sandmle.flows.build_corpus')", "core ↛ the orchestration side"),
    ("sandmle_core.metrics", "from sandmle.data_contracts import contract_checker", "core ↛ the orchestration side"),
    ("sandmle_core.pipeline", "import prefect", "core ↛ prefect"),
    ("sandmle.tasks.stages", "from sandmle.flows._common import x", "tasks ↛ flows"),
])
def test_the_checker_catches_each_forbidden_direction(module: str, source: str, expected: str) -> None:
    found, _ = imports(source, module)
    bad = violations(module, found)
    assert bad and expected in bad[0], bad


def test_the_checker_refuses_an_unresolvable_dynamic_import() -> None:
    source = "import importlib\nname = 'sandmle_' + 'core.pipeline'\nimportlib.import_module(name)\n"
    assert imports(source, "sandmle_core.consume.gym") == ({"importlib"}, ["name"])
    assert imports("from importlib import import_module\nimport_module(f'{pkg}.x')\n", "m")[1] == ["f'{pkg}.x'"]
    found, unresolved = imports("import importlib\nimportlib.import_module(f'sandmle.cli.{n}')\n", "sandmle.cli")
    assert "sandmle.cli" in found and unresolved == []


def test_the_layering_allows_what_it_should() -> None:
    assert violations("sandmle_core.consume.gym", {"sandmle_core.grading", "sandmle_core.sandbox.base"}) == []
    assert violations("sandmle_core.pipeline", {"sandmle_core.generate", "sandmle_core.layout"}) == []
    assert violations("sandmle.cli.evaluate", {"sandmle_core.seeds", "sandmle_core.consume.evaluate"}) == []


def test_importing_all_of_core_loads_no_orchestration() -> None:
    code = (
        "import importlib, pkgutil, sys, sandmle_core\n"
        "for m in pkgutil.walk_packages(sandmle_core.__path__, 'sandmle_core.'):\n"
        "    importlib.import_module(m.name)\n"
        f"bad = sorted(r for r in {(*STACKS, *ORCHESTRATION)!r} if r in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing sandmle_core loaded {out.stdout.strip()}"
