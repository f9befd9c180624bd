"""Starts one sandboxed command and reports its own CPU time and peak memory, where no cgroup can measure them.

Without a cgroup, the only figures are those of `wait4`, and neither is right when taken from outside: Linux starts a
process's peak resident set (`ru_maxrss`) at the memory it had when it called exec — a command forked from a 1 GB
builder (a Dask worker) reports at least 1 GB, whatever it used — and bubblewrap's outer process does not reap the
sandboxed program, so its rusage holds neither the program's CPU nor its memory. So `runner.execute` makes this
small process the command (`python -I -S -c <this file's text> FD WALL NPROC CMD...`, inside the sandbox for the
namespace backends; standard library only, never imported by sandmle): the program forked from it starts from its
few MB, and the rusage its `wait4` returns is the program's own.

The program gets the process-count limit (`RLIMIT_NPROC` = NPROC; set here, after this process's own fork, which
the limit would refuse when the uid already has that many processes). This process kills the program at WALL
seconds (so a run that timed out is measured too), writes `done MAXRSS_KIB UTIME STIME TIMED_OUT` to the inherited
pipe FD and exits with the program's status, its signal re-raised. The program does not inherit FD, dies with this
process, and — this process being non-dumpable — cannot reopen FD through /proc to forge a report. A program that
stops or kills this process leaves no report: the runner then says the figures were not measured.
"""

import ctypes
import os
import resource
import signal
import sys

PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4


def main():
    fd, wall, nproc, argv = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    me = os.getpid()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(fd)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != me:
                os._exit(137)
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
            os.execvp(argv[0], argv)
        except BaseException as exc:  # whatever stops the exec is the command's failure to start
            os.write(2, f"cannot start: {exc}\n".encode())
        os._exit(127)
    timed_out = []

    def stop(*_):
        timed_out.append(1)
        os.kill(pid, signal.SIGKILL)

    signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, wall)
    _, status, usage = os.wait4(pid, 0)  # retried after the alarm's handler (PEP 475)
    signal.setitimer(signal.ITIMER_REAL, 0)
    os.write(fd, f"done {usage.ru_maxrss} {usage.ru_utime} {usage.ru_stime} {len(timed_out)}\n".encode())
    os.close(fd)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):
            pass  # SIGKILL and SIGSTOP keep their default anyway
        os.kill(me, sig)
        os._exit(128 + sig)  # a signal whose default is to be ignored
    os._exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
