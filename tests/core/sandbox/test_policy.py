"""The isolation policy, the isolation every result carries, typed stops for disk and memory — with real runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sandmle_core.errors import SandboxError
from sandmle_core.sandbox import Isolation, Limits, StopReason, Workspace, get_sandbox, make_sandbox
from sandmle_core.sandbox.bwrap import BwrapSandbox
from sandmle_core.sandbox.cgroups import cgroup_support
from sandmle_core.sandbox.host import is_root

FAST = Limits(wall_seconds=60, cpu_seconds=60, memory_mb=1024)
ROOT_CGROUPS = pytest.mark.skipif(not is_root() or cgroup_support() is None, reason="needs root and cgroups")


@ROOT_CGROUPS
def test_what_each_backend_isolates_here() -> None:
    assert make_sandbox("bwrap").isolation.missing == []
    assert make_sandbox("unshare").isolation.missing == ["filesystem"]
    assert make_sandbox("rlimit").isolation.missing == ["filesystem", "network", "pid", "ipc", "disk"]


def test_strict_is_the_default_and_runs_bwrap_with_nothing_missing() -> None:
    box = get_sandbox()
    assert box.name == "bwrap" and box.isolation.policy == "strict"
    with Workspace.create() as ws:
        r = box.run_python("print('hi')", ws, FAST)
    assert r.ok and r.isolation.backend == "bwrap" and r.isolation.policy == "strict"
    assert "filesystem" in r.isolation.isolates
    if is_root() and cgroup_support():
        assert r.isolation.missing == [] and r.warnings == []


def test_strict_refuses_a_weaker_backend_and_says_how_to_get_bwrap(monkeypatch) -> None:
    monkeypatch.delenv("SANDMLE_ALLOW_WEAK_SANDBOX", raising=False)
    with pytest.raises(SandboxError) as err:
        get_sandbox("unshare")
    text = str(err.value)
    assert "strict sandbox policy" in text and "filesystem" in text and "\n" not in text
    assert "apt-get install bubblewrap" in text and "docker" in text and "--allow-weak-sandbox" in text


def test_weak_backend_accepted_knowingly_is_announced_in_every_result(monkeypatch) -> None:
    monkeypatch.setenv("SANDMLE_ALLOW_WEAK_SANDBOX", "1")
    box = get_sandbox("unshare")
    with Workspace.create() as ws:
        results = [box.run_python("print(1)", ws, FAST) for _ in range(2)]
    for r in results:
        assert r.ok and r.isolation.weak_allowed and r.isolation.policy == "strict"
        assert r.isolation.missing == ["filesystem"] or not is_root()
        assert any("accepted knowingly" in w and "filesystem" in w for w in r.warnings)


def test_permissive_runs_the_weaker_backend_and_says_what_is_missing(monkeypatch) -> None:
    monkeypatch.delenv("SANDMLE_ALLOW_WEAK_SANDBOX", raising=False)
    box = get_sandbox("unshare", policy="permissive")
    with Workspace.create() as ws:
        r = box.run_python("print(1)", ws, FAST)
    assert r.ok and not r.isolation.weak_allowed and "filesystem" in r.isolation.missing
    assert any("does not isolate filesystem" in w for w in r.warnings)


def test_bad_settings_are_one_clear_error(monkeypatch) -> None:
    monkeypatch.setenv("SANDMLE_SANDBOX_UID", "nobody")
    with pytest.raises(SandboxError, match="SANDMLE_SANDBOX_UID"):
        get_sandbox("bwrap")


def test_bwrap_mounts_parents_before_children(tmp_path: Path) -> None:
    """The venv of this checkout (under /tmp in CI) is bound AFTER /tmp, so nothing hides the interpreter."""
    with Workspace.create() as ws:
        ops = BwrapSandbox().mounts(ws)
    dests = [op[-1] for op in ops]
    for i, dest in enumerate(dests):
        later_parents = [d for d in dests[i + 1:] if dest.startswith(d.rstrip("/") + "/")]
        assert not later_parents, f"{dest} is mounted before its parent {later_parents}"
    assert os.path.realpath(sys.prefix) in dests or os.path.realpath(sys.prefix).startswith("/usr/")
    assert "/tmp" in dests and ["--tmpfs", "/tmp"] not in ops


def test_ladder_runner_policy(tmp_path: Path, monkeypatch) -> None:
    """sandmle's own ladder may run permissively (and says where); generated code (Claude) asks for strict."""
    from sandmle_core.agents.claude.developer import run_scripts
    from sandmle_core.agents.offline import developer
    from sandmle_core.agents.offline.developer import run_ladder_scripts

    monkeypatch.setattr(developer, "PRELOAD", ("pandas",))  # this script needs pandas only: skip sklearn's import
    from sandmle_core.ladder import LadderScript
    from sandmle_core.spec import GradingSpec

    public = tmp_path / "public"
    public.mkdir()
    pd.DataFrame({"id": [1, 2], "y": [0.0, 1.0]}).to_csv(public / "test.csv", index=False)
    script = LadderScript(level=0, name="copy", summary="copies the ids",
                          source="import pandas as pd\npd.read_csv('public/test.csv').to_csv('submission.csv', "
                                 "index=False)\n")
    answers = pd.DataFrame({"id": [1, 2], "y": [0.0, 1.0]})
    runs, _, _, isolation = run_ladder_scripts([script], public, answers, lambda s, a: 1.0, seeds=(0,),
                                               backend="unshare")
    assert all(r.score == 1.0 for r in runs) and isolation.backend == "unshare"
    assert isolation.policy == "permissive" and "filesystem" in isolation.missing
    with pytest.raises(SandboxError, match="strict sandbox policy"):
        run_ladder_scripts([script], public, answers, lambda s, a: 1.0, seeds=(0,), backend="unshare",
                           policy="strict")
    spec = SimpleNamespace(grading=GradingSpec(metric="rmse", id_column="id", target_columns=("y",),
                                               submission_columns=("y",)))
    with pytest.raises(SandboxError, match="strict sandbox policy"):
        run_scripts([script], public, answers, spec, 10.0, "unshare")


def test_manifest_and_summary_carry_the_sandbox(tmp_path: Path) -> None:
    from sandmle_core.agents.base import Usage
    from sandmle_core.layout import Corpus
    from sandmle_core.outcomes import SlotOutcome, manifest_row
    from sandmle_core.pipeline import summarize
    from sandmle_core.records import MANIFEST_SCHEMA, read_manifest
    from sandmle_core.slots import SlotKey

    weak = Isolation(backend="unshare", policy="permissive", isolates=["network"], missing=["filesystem"])
    row = manifest_row(SlotOutcome(SlotKey("s", 1, 0), "s-x", "failed", 1, None, None, {}, Usage(), sandbox=weak),
                       "offline")
    assert row.sandbox_backend == "unshare" and row.sandbox_missing == "filesystem"
    summary = summarize([row], {}, 1.0)
    assert "- sandbox: unshare (1 slots)" in summary and "WARNING" in summary and "isolate filesystem" in summary
    # a manifest written before these columns existed stays readable
    corpus = Corpus(tmp_path)
    old = pa.Table.from_pylist([row.model_dump()], schema=MANIFEST_SCHEMA).drop_columns(
        ["sandbox_backend", "sandbox_missing"])
    pq.write_table(old, corpus.manifest_path)
    assert read_manifest(corpus).to_pylist()[0]["sandbox_backend"] is None


@ROOT_CGROUPS
@pytest.mark.parametrize("backend", ["bwrap", "unshare"])
def test_disk_and_memory_stops_are_told_apart(backend: str) -> None:
    box = make_sandbox(backend)
    fill = "f = open({!r}, 'wb')\nfor _ in range(4096):\n    f.write(b'x' * 2**20)\n"
    cases = [  # (code, limits, workspace MiB, expected stop)
        ("x = bytearray(2 * 1024**3)", Limits(memory_mb=256, wall_seconds=60), 512, StopReason.MEMORY),
        (fill.format("big.bin"), Limits(memory_mb=1024, wall_seconds=60), 40, StopReason.DISK),
        (fill.format("/tmp/big.bin"), Limits(memory_mb=1024, wall_seconds=60), 40, StopReason.DISK),
        (fill.format("big.bin"), Limits(memory_mb=1024, file_size_mb=24, wall_seconds=60), 512, StopReason.DISK),
        # files fill a 256 MB memory limit before a 1 GB workspace: the files, not a memory hog, stopped it
        (fill.format("big.bin"), Limits(memory_mb=256, wall_seconds=60), 1024, StopReason.DISK),
    ]
    for code, limits, disk, expected in cases:
        with Workspace.create(disk_mb=disk) as ws:
            r = box.run_python(code, ws, limits)
            assert r.stopped_by == expected, (code, limits, r.stopped_by, r.stderr_tail[-300:])
            assert ws.used_bytes() <= disk * 2**20 and not r.ok


@ROOT_CGROUPS
def test_an_unbounded_workspace_is_watched_and_says_so() -> None:
    """Without a tmpfs (sandmle not root, or no CAP_SYS_ADMIN) a polling watchdog bounds the workspace, and every
    result says the disk is not isolated. Simulated here by a watchdog bound far below the tmpfs's size."""
    slow_fill = "import time\nf = open('big.bin', 'wb')\nfor _ in range(800):\n    f.write(b'x' * 2**20)\n" \
                "    time.sleep(0.002)\n"
    with Workspace.create(disk_mb=1024) as ws:
        ws.bounded, ws.disk_mb = False, 24
        r = make_sandbox("bwrap").run_python(slow_fill, ws, Limits(memory_mb=2048, file_size_mb=4096,
                                                                   wall_seconds=120))
        assert r.stopped_by == StopReason.DISK and ws.used_bytes() < 800 * 2**20, (r.stopped_by, r.stderr_tail)
    assert "disk" in r.isolation.missing and any("watchdog" in w for w in r.warnings)


def test_bwrap_allows_no_nested_user_namespace() -> None:
    """--disable-userns: no way to a namespace where the program would hold capabilities again."""
    code = ("import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
            "rc = libc.unshare(0x10000000)\nprint(rc, os.strerror(ctypes.get_errno()))\n")
    with Workspace.create() as ws:
        r = make_sandbox("bwrap").run_python(code, ws, FAST)
    assert r.ok and r.stdout_tail.startswith("-1 "), r.stdout_tail
