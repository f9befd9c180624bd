"""PID 1 of the unshare backend: build the mount view as root, run the program unprivileged, exit with its status.

Run by `unshare --mount --pid --fork --net --ipc --uts --cgroup` as `python -I -S nsinit.py CONFIG.json` — a script,
standard library only, never imported by sandmle. The config file (root-only, outside anything the program can see —
a command line would be readable in /proc/1/cmdline) is read and deleted first. In its fresh mount namespace it:

1. opens every bind source first (O_PATH), so later tmpfs mounts cannot hide them;
2. applies the planned operations in order, parents first: a tmpfs over each hidden top-level folder (/root,
   /home, /tmp's host content, /work, /var, /run, … — everything but the system folders), /sys/fs/cgroup hidden,
   the workspace's tmp/ and shm/ as /tmp and /dev/shm, the interpreter's trees read-only, the workspace writable
   and its public/ read-only;
3. mounts a private /proc (this pid namespace only) in place of the host's;
4. remounts every other mount read-only and CHECKS it: setup fails closed (exit 125) if anything but the workspace,
   /tmp and /dev/shm is still writable;
5. forks the program, which drops to the unprivileged uid/gid (no capabilities, no new privileges) and execs.

When the program exits this process exits with the same status, and the kernel kills whatever is left in the pid
namespace: no daemon survives the run.
"""

import ctypes
import json
import os
import re
import sys

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC, MS_PRIVATE, MS_RELATIME = 1024, 2048, 4096, 16384, 1 << 18, 1 << 21
MNT_DETACH = 2
ST_RDONLY = 1
PR_CAPBSET_DROP = 24
# statvfs flag → mount flag, to keep a mount's other flags when remounting it read-only
_KEEP = ((2, MS_NOSUID), (4, MS_NODEV), (8, MS_NOEXEC), (1024, MS_NOATIME), (2048, MS_NODIRATIME),
         (4096, MS_RELATIME))
SETUP_FAILED = 125

libc = ctypes.CDLL(None, use_errno=True)
libc.mount.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p)


def mount(src, dst, fstype, flags, data=None):
    enc = [None if v is None else str(v).encode() for v in (src, dst, fstype, data)]
    if libc.mount(enc[0], enc[1], enc[2], flags, enc[3]) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {src} on {dst}: {os.strerror(err)}")


def remount_ro(path):
    flags = os.statvfs(path).f_flag
    extra = 0
    for st_flag, ms_flag in _KEEP:
        if flags & st_flag:
            extra |= ms_flag
    mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | extra)


def make_target(dst, is_dir):
    if is_dir:
        os.makedirs(dst, exist_ok=True)
    elif not os.path.exists(dst):
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        open(dst, "a").close()


def mount_points():
    points = []
    with open("/proc/self/mountinfo") as fh:
        for line in fh:
            raw = line.split()[4]  # the kernel escapes space, tab, newline and backslash as \ooo
            points.append(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), raw))
    return points


def apply(ops):
    import stat

    sources = {op[1]: os.open(op[1], os.O_PATH) for op in ops if op[0] == "bind"}
    is_dir = {src: stat.S_ISDIR(os.fstat(fd).st_mode) for src, fd in sources.items()}
    for op in ops:
        if op[0] == "tmpfs":
            mount("tmpfs", op[1], "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=755")
        elif op[0] == "bind":
            _, src, dst, read_only = op
            make_target(dst, is_dir[src])
            mount(f"/proc/self/fd/{sources[src]}", dst, None, MS_BIND | MS_REC)
            if read_only:
                remount_ro(dst)
    for fd in sources.values():
        os.close(fd)


def fresh_proc():
    libc.umount2(b"/proc", MNT_DETACH)
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def inside(path, folders):
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


def lock_down(writable):
    """Remount everything but `writable` (and /proc) read-only, then check every mount point reachable."""
    keep = [*writable, "/proc"]
    todo = [p for p in mount_points() if not inside(p, keep)]
    for point in todo:
        try:
            remount_ro(point)
        except OSError:
            continue  # shadowed by a hiding tmpfs (gone, or not a mount point any more): checked below
    for point in set(todo):
        try:
            flags = os.statvfs(point).f_flag
        except OSError:
            continue  # unreachable
        if not flags & ST_RDONLY:
            raise OSError(f"{point} is still writable")


def drop_bounding_set():
    """Empty the capability bounding set, so not even an exec could bring a capability back."""
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # EINVAL: past the last capability this kernel knows


def run(cfg):
    pid = os.fork()
    if pid == 0:
        try:
            drop_bounding_set()
            os.setgroups([])
            os.setresgid(cfg["gid"], cfg["gid"], cfg["gid"])
            os.setresuid(cfg["uid"], cfg["uid"], cfg["uid"])
            os.chdir(cfg["cwd"])
            os.execvpe(cfg["argv"][0], cfg["argv"], cfg["env"])
        except OSError as exc:
            sys.stderr.write(f"sandmle unshare: cannot run {cfg['argv'][0]}: {exc}\n")
            os._exit(127)
    code = SETUP_FAILED
    while True:
        try:
            done, status = os.wait()
        except ChildProcessError:
            break
        if done == pid:
            code = os.waitstatus_to_exitcode(status)
            code = code if code >= 0 else 128 - code
            break
    return code


def main():
    with open(sys.argv[1]) as fh:
        cfg = json.load(fh)
    os.unlink(sys.argv[1])
    try:
        mount(None, "/", None, MS_REC | MS_PRIVATE)
        apply(cfg["ops"])
        fresh_proc()
        lock_down(cfg["writable"])
    except OSError as exc:
        sys.stderr.write(f"sandmle unshare: sandbox setup failed: {exc}\n")
        os._exit(SETUP_FAILED)
    sys.stdout.flush()
    os._exit(run(cfg))


if __name__ == "__main__":
    main()
