"""Run many ladder scripts inside ONE sandboxed process: import the heavy libraries once, fork once per run.

This file is copied into the sandbox workspace and executed there as a script; it imports only the standard
library at module level (plus the modules named in the job file, preloaded before forking). Starting Python and
importing pandas + scikit-learn costs about a second, while a micro-scale ladder run costs tens of milliseconds, so
paying the start-up once per environment instead of once per run is what makes a ladder of 24 runs affordable.

Job file (JSON): {"preload": [module, ...], "timeout": seconds per run,
                  "runs": [{"script": rel path, "seed": int, "out": rel path of the submission copy}, ...]}
Each run happens in a forked child with cwd = the workspace root and SANDMLE_SEED set; the child's `submission.csv`
is moved to `out`. Results (JSON, one object per run: exit, seconds, cpu, error tail) go to the path given as the
second argument.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import signal
import sys
import time
import traceback

SEED_ENV = "SANDMLE_SEED"


def _child(script: str, seed: int, out: str, timeout: float, err_path: str) -> None:
    signal.alarm(max(1, int(timeout + 0.999)))
    os.environ[SEED_ENV] = str(seed)
    code = 0
    try:
        if os.path.exists("submission.csv"):
            os.unlink("submission.csv")
        import runpy

        sys.argv = [script]
        runpy.run_path(script, run_name="__main__")
        if not os.path.exists("submission.csv"):
            raise RuntimeError("the script finished without writing submission.csv")
        os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
        os.replace("submission.csv", out)
    except SystemExit as exc:  # a script may call sys.exit(0) after writing its submission
        if exc.code not in (0, None) or not os.path.exists("submission.csv"):
            code = 1
            with open(err_path, "w") as fh:
                fh.write(f"exited with {exc.code!r}")
        else:
            os.replace("submission.csv", out)
    except BaseException:
        code = 1
        with open(err_path, "w") as fh:
            fh.write(traceback.format_exc()[-4000:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(job_path: str, results_path: str) -> int:
    with open(job_path) as fh:
        job = json.load(fh)
    for module in job.get("preload", []):
        try:
            importlib.import_module(module)
        except ImportError:
            pass  # a missing optional module only costs its import later
    timeout = float(job.get("timeout", 60))
    results = []
    for run in job["runs"]:
        err_path = run["out"] + ".err"
        os.makedirs(os.path.dirname(err_path) or ".", exist_ok=True)
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            _child(run["script"], int(run["seed"]), run["out"], timeout, err_path)
        _, status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - start
        error = None
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            error = "timed out" if sig == signal.SIGALRM else f"killed by signal {sig}"
        elif os.WEXITSTATUS(status) != 0:
            try:
                with open(err_path) as fh:
                    error = fh.read()[-2000:] or f"exit status {os.WEXITSTATUS(status)}"
            except OSError:
                error = f"exit status {os.WEXITSTATUS(status)}"
        results.append(
            {
                "script": run["script"],
                "seed": run["seed"],
                "out": run["out"],
                "ok": error is None,
                "error": error,
                "seconds": round(seconds, 6),
                "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 6),
                "max_rss_mb": round(usage.ru_maxrss / 1024, 1),
            }
        )
    with open(results_path, "w") as fh:
        json.dump({"runs": results, "self_cpu": resource.getrusage(resource.RUSAGE_SELF).ru_utime}, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
