"""Run many ladder scripts inside ONE sandboxed process: import the heavy libraries once, fork once per run.

This file is copied into the sandbox workspace and executed there as a script; it imports only the standard
library at module level (plus the modules named in the job file, preloaded before forking). Starting Python and
importing pandas + scikit-learn costs about a second, while a micro-scale ladder run costs tens of milliseconds, so
paying the start-up once per environment instead of once per run is what makes a ladder of 18 runs affordable.

Every run starts from the same clean parent, and nothing one run leaves reaches the next (a warm process must not
become a channel between runs — generated code runs here too):
- the scripts are read into memory once and written back before every run, so a run cannot rewrite a later one;
- before every run the workspace (all but the read-only `public/`) and the private scratch folders named in the job
  (the sandbox's /tmp and /dev/shm) are emptied; a folder that cannot be emptied stops the harness (exit 3);
- submissions, error texts and the per-run figures go to unlinked files (O_TMPFILE, else memfd) that the child closes
  before the script starts; the parent is not dumpable, so no child can reach them (or the parent's memory) through
  /proc; everything is written out only after the last run;
- whatever a run leaves running is killed and reaped before the next fork: the harness is a child subreaper, so a
  daemon comes back to it as its child; with a pid namespace of its own (the job says so) every process of the
  namespace but PID 1 and the harness goes too;
- the wall limit of a run is enforced by the parent (a pidfd), not only by the child's alarm, which a script could
  cancel.

Warm mode (`harness.py --serve MODULE...`, `ladder.warm`): the same parent imports once and then runs one job per
request line on stdin, replying on stdout; both are moved to descriptors every run closes, so no run can read a
request or forge a reply, and what a run leaves is cleaned as above after its environment's last run.

Chains (`"chain": true`, sandmle's own scripts only, never generated code): one seed's runs in one forked child, one
after the other (the workspace reset before each), whose repeated deterministic scikit-learn fits are memoized
(`fitmemo.py`): the same submissions as one process per run, ~25% less CPU for a tabular ladder.

Job file (JSON): {"preload": [module, ...], "timeout": seconds per run, "scratch": [private folders to empty],
                  "pid_namespace": bool, "chain": bool,
                  "runs": [{"script": rel path, "seed": int, "subsample": bool, "out": rel path}, ...]}
A run happens in a forked child with cwd = the workspace root, SANDMLE_SEED and SANDMLE_SUBSAMPLE set ("1" when
"subsample" is true, or, without it, the seed is not 0); its `submission.csv` becomes `out`. Results (JSON, one object
per run: exit, seconds, cpu, error tail, processes killed after it) go to the path given as the second argument.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import json
import os
import resource
import runpy
import select
import signal
import stat
import sys
import time
import traceback

SEED_ENV, SUBSAMPLE_ENV = "SANDMLE_SEED", "SANDMLE_SUBSAMPLE"
PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER = 4, 36
KEEP = frozenset({"public"})  # the read-only bind of the public files: never emptied
_libc = ctypes.CDLL(None, use_errno=True)
_FITMEMO = None  # the module `fitmemo`, once `_preload` imported it


def _hidden_file() -> int:
    """A read-write file with no name anywhere: in the workspace (bounded with it), else in memory."""
    try:
        return os.open(".", os.O_TMPFILE | os.O_RDWR, 0o600)
    except (OSError, AttributeError):
        return os.memfd_create("run", 0)


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _copy_submission(out_fd: int) -> None:
    """The run's submission.csv into its hidden output file: a regular file only, neither a symbolic nor a hard link
    (what the host's safe reader refuses too)."""
    if os.path.islink("submission.csv"):
        raise RuntimeError("submission.csv is a symbolic link")
    fd = os.open("submission.csv", os.O_RDONLY | os.O_NOFOLLOW)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RuntimeError("submission.csv is not a regular file")
        if info.st_nlink != 1:
            raise RuntimeError("submission.csv is a hard link")
        while chunk := os.read(fd, 1 << 20):
            os.write(out_fd, chunk)
    finally:
        os.close(fd)


def _enter_child(keep: list[int], timeout: float) -> None:
    """A forked child's start: every descriptor of the parent's closed but `keep`, its own process group, an alarm."""
    low = 3
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 65536)
    _libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)  # its own /proc entries stay readable to itself
    os.setpgid(0, 0)
    signal.alarm(max(1, int(timeout + 0.999)))


def _execute(run: dict, out_fd: int, err_fd: int) -> int:
    """One script run in this process: 0 and its submission in `out_fd`, or 1 and the traceback in `err_fd`."""
    script, seed = run["script"], int(run["seed"])
    os.environ.update({SEED_ENV: str(seed), SUBSAMPLE_ENV: "1" if run.get("subsample", seed != 0) else "0"})
    code = 0
    try:
        sys.argv = [script]
        try:
            runpy.run_path(script, run_name="__main__")  # the parent has just written it from memory
        except SystemExit as exc:  # a script may call sys.exit(0) after writing its submission
            if exc.code not in (0, None):
                raise RuntimeError(f"exited with {exc.code!r}") from None
        if not os.path.lexists("submission.csv"):
            raise RuntimeError("the script finished without writing submission.csv")
        _copy_submission(out_fd)
    except BaseException:
        code = 1
        os.write(err_fd, traceback.format_exc()[-4000:].encode())
    sys.stdout.flush()
    sys.stderr.flush()
    return code


def _child(run: dict, timeout: float, out_fd: int, err_fd: int) -> None:
    _enter_child([out_fd, err_fd], timeout)
    os._exit(_execute(run, out_fd, err_fd))


def _mount_points() -> frozenset[str]:
    try:
        with open("/proc/self/mountinfo") as fh:
            return frozenset(line.split()[4] for line in fh)
    except OSError:
        return frozenset()


def _empty(folder: str, keep: frozenset[str] = frozenset(), mounts: frozenset[str] | None = None) -> None:
    """Remove everything inside `folder` but `keep` and the mounts of the sandbox (a folder holding one is emptied,
    not removed); a run may have taken permissions away, they are given back.

    Raises:
        OSError: something could not be removed (the harness then stops: the next run would not start clean).
    """
    mounts = _mount_points() if mounts is None else mounts
    for name in os.listdir(folder):
        path = os.path.abspath(os.path.join(folder, name))
        if name in keep or path in mounts:
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            try:
                os.chmod(path, 0o700)
            except PermissionError:  # not this uid's (e.g. the folders the sandbox made to hold a mount under /tmp):
                pass  # a run, of the same uid, could not have changed its mode either
            _empty(path, mounts=mounts)
            if not any(m.startswith(path + "/") for m in mounts):
                os.rmdir(path)
        else:
            os.unlink(path)


def _processes() -> dict[int, int]:
    """pid -> parent pid of every process this harness can see."""
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as fh:
                    out[int(name)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass  # gone meanwhile
    return out


def _kill_leftovers(pgid: int, whole_namespace: bool) -> int:
    """SIGKILL and reap what a run left running; how many processes that was.

    The harness is a child subreaper, so whatever a run left (daemons included) is re-parented to it: its children
    after a run are all leftovers. With a pid namespace of its own, every process but its init and itself is one.
    """
    me, killed = os.getpid(), set()
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for _ in range(1000):
        seen = _processes()
        victims = {p for p, parent in seen.items() if parent == me or (whole_namespace and p not in (1, me))}
        if not victims:
            break
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        killed |= victims
        while True:  # reap them (a zombie is still listed in /proc)
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break
    return len(killed)


def _wait(pid: int, timeout: float) -> tuple[int, resource.struct_rusage, bool]:
    """wait4 the child, killing its group at the wall limit (plus a second of grace for its own alarm)."""
    expired = False
    try:
        pidfd = os.pidfd_open(pid)
    except (OSError, AttributeError):
        pidfd = None
    if pidfd is not None:
        ready, _, _ = select.select([pidfd], [], [], timeout + 1.0)
        os.close(pidfd)
        if not ready:
            expired = True
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    return status, usage, expired


def _run(run: dict, timeout: float, namespace: bool) -> tuple[dict, int]:
    out_fd, err_fd = _hidden_file(), _hidden_file()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        _child(run, timeout, out_fd, err_fd)
    status, usage, expired = _wait(pid, timeout)
    seconds = time.perf_counter() - start
    leftovers = _kill_leftovers(pid, namespace)
    error = None
    if expired or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM):
        error = "timed out"
    elif os.WIFSIGNALED(status):
        error = f"killed by signal {os.WTERMSIG(status)}"
    elif os.WEXITSTATUS(status) != 0:
        error = _read_all(err_fd).decode("utf-8", "replace")[-2000:] or f"exit status {os.WEXITSTATUS(status)}"
    record = {"script": run["script"], "seed": run["seed"], "out": run["out"], "ok": error is None, "error": error,
              "seconds": round(seconds, 6), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 6),
              "max_rss_mb": round(usage.ru_maxrss / 1024, 1), "leftover_processes": leftovers}
    os.close(err_fd)
    return record, out_fd


def _run_chain(runs: list[dict], timeout: float, namespace: bool, sources: dict[str, str],
               scratch: list[str]) -> list[tuple[dict, int]]:
    """One chain's runs in one forked child (see the module docstring), each run's figures measured in the child; a
    chain that dies leaves its remaining runs with the reason."""
    fds = [(_hidden_file(), _hidden_file()) for _ in runs]
    figures, start, budget = _hidden_file(), time.perf_counter(), timeout * len(runs)
    pid = os.fork()
    if pid == 0:
        status = 3  # never back into the parent's code: a workspace that cannot be reset ends the chain (exit 3)
        try:
            _enter_child([figures, *(fd for pair in fds for fd in pair)], budget)
            memo = _FITMEMO.install() if _FITMEMO is not None else {"reused": 0}
            for run, (out_fd, err_fd) in zip(runs, fds, strict=True):
                _reset(sources, scratch)
                began, cpu, reused = time.perf_counter(), time.process_time(), memo["reused"]
                code = _execute(run, out_fd, err_fd)
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                os.write(figures, (json.dumps([code, time.perf_counter() - began, time.process_time() - cpu, rss,
                                               memo["reused"] - reused]) + "\n").encode())
            status = 0
        finally:
            os._exit(status)
    status, _, expired = _wait(pid, budget)
    leftovers = _kill_leftovers(pid, namespace)
    measured = [json.loads(line) for line in _read_all(figures).decode().splitlines()]
    os.close(figures)
    signalled = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    stopped = "timed out" if expired or signalled == signal.SIGALRM else (
        f"killed by signal {signalled}" if signalled else f"exit status {os.WEXITSTATUS(status)}")
    measured += [[None, time.perf_counter() - start, 0.0, 0, 0]] * (len(runs) - len(measured))  # runs never run
    out = []
    for run, (out_fd, err_fd), (code, seconds, cpu, rss, reused) in zip(runs, fds, measured, strict=True):
        error = None if code == 0 else f"the chain stopped: {stopped}" if code is None else (
            _read_all(err_fd).decode("utf-8", "replace")[-2000:] or "exit status 1")
        out.append(({"script": run["script"], "seed": run["seed"], "out": run["out"], "ok": error is None,
                     "error": error, "seconds": round(seconds, 6), "cpu_seconds": round(cpu, 6),
                     "max_rss_mb": round(rss / 1024, 1), "leftover_processes": leftovers, "fits_reused": reused},
                    out_fd))
        os.close(err_fd)
    return out


def _reset(sources: dict[str, str], scratch: list[str]) -> None:
    """The workspace as the host wrote it: everything a run left is removed, the scripts are written anew."""
    _empty(".", KEEP)
    for folder in scratch:
        if os.path.isdir(folder):
            _empty(folder)
    for path, source in sources.items():
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w") as fh:
            fh.write(source)


def _preload(modules: list[str]) -> None:
    global _FITMEMO
    sys.dont_write_bytecode = True  # no __pycache__ left in the workspace
    try:  # the chains' fit memo, shipped next to this file: imported before any run can touch the workspace
        import fitmemo as _FITMEMO
    except ImportError:
        _FITMEMO = None
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            pass  # a missing optional module only costs its import later
    # the imported objects move to the collector's permanent generation: a run's collections no longer walk them,
    # so they no longer write (copy-on-write) every page of the parent's heap (-0.65 CPU s of a breast-cancer ladder)
    gc.freeze()
    _libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # no child reads this process's memory or descriptors via /proc
    _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)  # what a run leaves running comes back to the harness


def run_job(job_path: str, results_path: str) -> int:
    """Every run of one job file; 0, or 3 when a run left the workspace in a state that cannot be cleaned."""
    with open(job_path) as fh:
        job = json.load(fh)
    sources = {}
    for run in job["runs"]:
        with open(run["script"]) as fh:
            sources[run["script"]] = fh.read()
    timeout, namespace = float(job.get("timeout", 60)), bool(job.get("pid_namespace"))
    scratch = list(job.get("scratch", []))
    journal, outputs, runs, groups = _hidden_file(), {}, job["runs"], {}
    for i, run in enumerate(runs):  # one group per seed when chained (sandmle's own scripts), else one per run
        groups.setdefault(int(run["seed"]) if job.get("chain") else -1 - i, []).append(i)
    for group in [*groups.values(), None]:  # None: the clean-up after the last run
        try:
            _reset(sources, scratch)
        except OSError as exc:
            print(f"error: a run left the workspace in a state the harness cannot clean: {exc}", file=sys.stderr)
            return 3
        if group is None:
            continue
        done = _run_chain([runs[i] for i in group], timeout, namespace, sources, scratch) if len(group) > 1 else [
            _run(runs[group[0]], timeout, namespace)]
        for i, (record, out_fd) in zip(group, done, strict=True):
            os.write(journal, (json.dumps({**record, "index": i}) + "\n").encode())
            outputs[i] = out_fd
    records = sorted((json.loads(line) for line in _read_all(journal).decode().splitlines()), key=lambda r: r["index"])
    os.close(journal)
    for record, out_fd in zip(records, [outputs[i] for i in range(len(runs))], strict=True):
        if record["ok"]:
            os.makedirs(os.path.dirname(record["out"]) or ".", exist_ok=True)
            with open(record["out"], "wb") as fh:
                fh.write(_read_all(out_fd))
        os.close(out_fd)
    os.makedirs(os.path.dirname(results_path) or ".", exist_ok=True)
    with open(results_path, "w") as fh:
        json.dump({"runs": records, "self_cpu": resource.getrusage(resource.RUSAGE_SELF).ru_utime}, fh)
    return 0


def main(job_path: str, results_path: str) -> int:
    with open(job_path) as fh:
        _preload(json.load(fh).get("preload", []))
    return run_job(job_path, results_path)


def serve(preload: list[str]) -> int:
    """The warm mode: import once, then run one job per request line until the host closes the channel.

    The requests come on stdin and the replies go to stdout, both moved to descriptors every run closes before its
    script starts (fd 0 becomes /dev/null, fd 1 the stderr stream): no run can read the host's next request or
    write a reply. A request is {"job": path, "results": path}; the reply {"status": the job's exit status}; the
    first reply, {"ready": true}, comes after the imports.
    """
    requests, replies = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    _preload(preload)
    os.write(replies, b'{"ready": true}\n')
    with os.fdopen(requests, "rb", buffering=0) as channel:
        for line in iter(channel.readline, b""):
            request = json.loads(line)
            status = run_job(request["job"], request["results"])
            os.write(replies, (json.dumps({"status": status}) + "\n").encode())
            if status != 0:
                return status
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        sys.exit(serve(sys.argv[2:]))
    sys.exit(main(sys.argv[1], sys.argv[2]))
