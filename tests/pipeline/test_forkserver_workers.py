"""A build's Dask workers are forked from a forkserver that preloaded the heavy libraries, and each still gets the
flow process's environment as it is when its cluster starts — not the forkserver's, which is the environment of the
process's first cluster. Run in a fresh Python, so that its first cluster starts the forkserver with a variable the
second cluster's environment no longer has (as a fault plan of an earlier build in one process would)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = """
import json, os, sys
from pathlib import Path
from distributed import Client, LocalCluster
from sandmle.flows._common import FORKSERVER_PRELOAD, cluster_kwargs

work = Path(sys.argv[1])
def probe():
    import os, sys
    env, heavy = os.environ, ("great_expectations", "sklearn.ensemble", "scipy.stats")
    return {"stale": env.get("SANDMLE_FAULT_PLAN"), "fresh": env.get("SANDMLE_PROBE"),
            "omp": env.get("OMP_NUM_THREADS"),
            "cwd": os.getcwd(), "keys": env.get("SANDMLE_WORKER_ENV_KEYS"), "parent": os.getppid(),
            "preloaded": sorted(m for m in heavy if m in sys.modules)}
out = {}
os.environ["SANDMLE_FAULT_PLAN"] = "/nonexistent/plan-of-an-earlier-build.json"
with LocalCluster(**cluster_kwargs(1, work / "a")) as cluster, Client(cluster) as client:
    out["first"] = list(client.run(probe).values())[0]
del os.environ["SANDMLE_FAULT_PLAN"]
os.environ["SANDMLE_PROBE"] = "set after the first cluster"
(work / "elsewhere").mkdir()
os.chdir(work / "elsewhere")
with LocalCluster(**cluster_kwargs(2, work / "b")) as cluster, Client(cluster) as client:
    out["second"] = list(client.run(probe).values())
out["flow_pid"] = os.getpid()
print(json.dumps(out))
"""


def test_workers_are_forked_preloaded_and_see_the_environment_of_their_own_cluster(tmp_path) -> None:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(SCRIPT), str(tmp_path)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    first, second = out["first"], out["second"]
    assert first["stale"] == "/nonexistent/plan-of-an-earlier-build.json" and first["fresh"] is None
    assert len(second) == 2
    for worker in second:
        assert worker["stale"] is None, "a variable unset since the forkserver started reached the worker"
        assert worker["fresh"] == "set after the first cluster"
        assert worker["cwd"] == str(tmp_path / "elsewhere")
        assert worker["keys"] is None  # the list of names is consumed, not left in the worker's environment
        assert worker["omp"] == "1"  # Dask's own worker variable stays
        assert worker["preloaded"] == ["great_expectations", "scipy.stats", "sklearn.ensemble"]
        assert worker["parent"] != out["flow_pid"]  # a child of the forkserver, not spawned by the flow process


NO_CONTRACTS = """
import json, sys
from pathlib import Path
from distributed import Client, LocalCluster
from sandmle.flows._common import cluster_kwargs

def probe():
    import sys
    return sorted(m for m in ("great_expectations", "sklearn.ensemble", "scipy.stats") if m in sys.modules)
with LocalCluster(**cluster_kwargs(1, Path(sys.argv[1]), contracts=False)) as cluster, Client(cluster) as client:
    print(json.dumps(list(client.run(probe).values())[0]))
"""


def test_a_build_without_contracts_forks_workers_that_never_imported_great_expectations(tmp_path) -> None:
    """`--no-contracts` never uses great-expectations: its forkserver does not import it (~2 CPU seconds a build);
    the other heavy libraries are preloaded as before."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(NO_CONTRACTS), str(tmp_path)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["scipy.stats", "sklearn.ensemble"]
