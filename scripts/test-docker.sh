#!/usr/bin/env bash
# `make test-docker`: test the REAL docker sandbox backend against a private, temporary Docker daemon.
#
# No registry is reachable here, so the image is imported from a minimal root filesystem: the dynamic loader, the
# shared libraries the host's Python and the venv's compiled extensions need (found with ldd), and a few /etc files.
# The interpreter and its site-packages are not copied: the docker backend bind-mounts them read-only at the same
# paths. The daemon (and its own containerd) run with every path — sockets, data, exec state, pidfiles — under one
# temp dir, without firewall rules, bridge or IP forwarding; an EXIT trap stops both and removes the temp dir, even
# when the tests fail. A Docker daemon already running on the machine is never used or touched.
#
# Needs root (dockerd is rootful); installs Debian's docker.io when dockerd is missing and apt-get is available.
# Environment: SANDMLE_DOCKER_IMAGE (image tag, default sandmle-python:local), SANDMLE_TEST_PYTHON (interpreter,
# default .venv/bin/python), STARTUP_RUNS (runs of the start-up benchmark, default 20; 0 skips it).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${SANDMLE_TEST_PYTHON:-$REPO/.venv/bin/python}
IMAGE=${SANDMLE_DOCKER_IMAGE:-sandmle-python:local}
STARTUP_RUNS=${STARTUP_RUNS:-20}
# Host paths a docker/containerd daemon may create outside its configured roots: removed at exit if we created them.
HOST_PATHS=(/etc/docker/key.json /etc/docker /run/containerd /run/docker /var/run/docker.sock /var/lib/docker /var/lib/containerd)

log() { echo "test-docker: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root: it starts a private (rootful) Docker daemon"
[ -x "$PY" ] || die "$PY not found: run \`make venv\` first"
if ! command -v dockerd >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || die "dockerd is missing and apt-get is not available to install docker.io"
  log "installing Debian's docker.io (its service is not started)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
for tool in dockerd containerd runc docker ldd ldconfig tar; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing"
done

firewall() {  # every rule of every table we can list (empty when the tools are absent)
  local cmd table
  for cmd in iptables ip6tables; do
    command -v "$cmd" >/dev/null 2>&1 || continue
    for table in filter nat mangle raw; do "$cmd" -w -t "$table" -S 2>/dev/null | sed "s/^/$cmd $table /" || true; done
  done
  cat /proc/sys/net/ipv4/ip_forward 2>/dev/null | sed 's/^/ip_forward /' || true
}

FIREWALL_BEFORE=$(firewall)
PRESENT_BEFORE=()
for p in "${HOST_PATHS[@]}"; do
  if [ -e "$p" ] || [ -L "$p" ]; then PRESENT_BEFORE+=("$p"); fi
done
TMP=$(mktemp -d /tmp/sandmle-docker.XXXXXX)
DOCKERD_PID="" CONTAINERD_PID=""

stop_pid() {  # stop_pid PID NAME: TERM, wait up to 30 s, then KILL
  local pid=$1 name=$2 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then log "$name ($pid) did not stop: killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local code=$? pid mnt p q kept others
  set +e
  trap - EXIT INT TERM
  stop_pid "$DOCKERD_PID" dockerd
  stop_pid "$CONTAINERD_PID" containerd
  # containerd's shims outlive it; ours are the processes whose command line names our temp dir.
  for pid in $(pgrep -f -- "$TMP/"); do [ "$pid" != $$ ] && kill -KILL "$pid" 2>/dev/null; done
  awk -v root="$TMP/" 'index($5, root) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r mnt; do
    umount -l "$mnt" 2>/dev/null || log "could not unmount $mnt"
  done
  rm -rf "$TMP"
  others=$(compgen -G "/tmp/sandmle-docker.*" || true)  # another run's daemon may be using those host paths
  for p in "${HOST_PATHS[@]}"; do
    [ -z "$others" ] || break
    kept=0
    for q in "${PRESENT_BEFORE[@]}"; do [ "$p" = "$q" ] && kept=1; done
    if [ "$kept" = 0 ] && { [ -e "$p" ] || [ -L "$p" ]; }; then log "removing $p (the daemon created it)"; rm -rf "$p"; fi
  done
  if [ "$(firewall)" != "$FIREWALL_BEFORE" ]; then
    log "ERROR: firewall rules or ip_forward changed while the daemon ran:"
    diff <(echo "$FIREWALL_BEFORE") <(firewall) >&2
    code=1
  fi
  [ -e "$TMP" ] && { log "ERROR: $TMP is still there"; code=1; }
  log "daemon stopped, $TMP removed (exit $code)"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the root filesystem: loader + shared libraries outside the bind-mounted Python trees + minimal /etc ----------
build_rootfs() {
  local root=$1 d target lib exe
  local -a trees
  mapfile -t trees < <(cd "$REPO" && "$PY" -c \
    'from sandmle_core.sandbox.process import python_paths; print(*python_paths()[1], sep="\n")')
  exe=$(readlink -f "$PY")
  mkdir -p "$root"/{etc,tmp,proc,sys,dev,workspace}
  for d in lib lib64 bin sbin; do  # merged /usr: mirror the host's top-level symlinks
    if [ -L "/$d" ]; then
      target=$(readlink "/$d")
      mkdir -p "$root/${target#/}"
      ln -s "$target" "$root/$d"
    fi
  done
  # Every ELF object the interpreter may load: itself and every shared object under its trees.
  { echo "$exe"; find "${trees[@]}" -type f \( -name '*.so' -o -name '*.so.*' \); } | tr '\n' '\0' \
    | xargs -0 ldd 2>/dev/null \
    | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $2 ~ /^\(0x/ {print $1}' \
    | sort -u > "$TMP/libs.txt"
  local copied=0
  while read -r lib; do
    for d in "${trees[@]}"; do [[ $lib == "$d"/* ]] && continue 2; done  # mounted at run time
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
    copied=$((copied + 1))
  done < "$TMP/libs.txt"
  # The loader searches the directories we filled; a cache makes that independent of the host's ld.so.conf.
  find "$root" -name '*.so*' -type f -printf '%h\n' | sed "s|^$root||" | sort -u > "$root/etc/ld.so.conf"
  ldconfig -r "$root"
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' \
    > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files\n' > "$root/etc/nsswitch.conf"
  printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"
  : > "$root/etc/resolv.conf"
  : > "$root/etc/hostname"
  log "root filesystem: $copied shared libraries ($(du -sh "$root" | cut -f1)); Python from ${trees[*]} (mounted)"
}

# ---- containerd + dockerd, everything under $TMP ---------------------------------------------------------------
cat > "$TMP/containerd.toml" <<EOF
version = 2
root = "$TMP/containerd/root"
state = "$TMP/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$TMP/containerd.sock"
[ttrpc]
  address = "$TMP/containerd.sock.ttrpc"
[debug]
  address = "$TMP/containerd-debug.sock"
EOF
echo '{}' > "$TMP/daemon.json"  # ignore the machine's /etc/docker/daemon.json

containerd --config "$TMP/containerd.toml" > "$TMP/containerd.log" 2>&1 &
CONTAINERD_PID=$!
for _ in $(seq 100); do [ -S "$TMP/containerd.sock" ] && break; sleep 0.1; done
[ -S "$TMP/containerd.sock" ] || { tail -20 "$TMP/containerd.log" >&2; die "containerd did not start"; }

export DOCKER_HOST="unix://$TMP/docker.sock"
dockerd --host "$DOCKER_HOST" --containerd "$TMP/containerd.sock" --config-file "$TMP/daemon.json" \
  --data-root "$TMP/data" --exec-root "$TMP/exec" --pidfile "$TMP/dockerd.pid" \
  --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --bridge=none --userland-proxy=false \
  --shutdown-timeout 5 \
  > "$TMP/dockerd.log" 2>&1 &
DOCKERD_PID=$!
started=$(date +%s.%N)
until docker version >/dev/null 2>&1; do
  kill -0 "$DOCKERD_PID" 2>/dev/null || { tail -20 "$TMP/dockerd.log" >&2; die "dockerd exited"; }
  (( $(date +%s) - ${started%.*} < 60 )) || { tail -20 "$TMP/dockerd.log" >&2; die "dockerd did not answer in 60 s"; }
  sleep 0.2
done
log "private dockerd $(docker version --format '{{.Server.Version}}') answers at $DOCKER_HOST" \
    "($(docker info --format '{{.Driver}}') storage, pid $DOCKERD_PID)"

build_rootfs "$TMP/rootfs"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$TMP/rootfs" -c . \
  | docker import - "$IMAGE" >/dev/null
log "image $IMAGE imported ($(docker image inspect --format '{{.Size}}' "$IMAGE") bytes)"

# ---- the tests, then the start-up figures ----------------------------------------------------------------------
cd "$REPO"
export SANDMLE_DOCKER_TESTS=1 SANDMLE_DOCKER_IMAGE="$IMAGE"
"$PY" -m pytest -q -p no:cacheprovider --durations=0 tests/docker
if [ "$STARTUP_RUNS" -gt 0 ]; then
  "$PY" - "$STARTUP_RUNS" <<'EOF'
import json
import sys

from sandmle.bench.startup import measure_startup
from sandmle_core.sandbox import Limits, Workspace, get_sandbox

runs = int(sys.argv[1])
figures = {}
for name in ("docker", "bwrap"):
    try:
        with Workspace.create() as ws:
            works = get_sandbox(name).run_python("pass", ws, Limits()).ok
    except Exception as exc:  # a backend that does not work here is reported, not measured
        figures[name] = f"not measured: {exc}"
        continue
    figures[name] = measure_startup(name, runs=runs) if works else "not measured: `python -c pass` failed"
print(f"start-up of `python -c pass`, median of {runs} runs (ms): {json.dumps(figures)}")
EOF
fi
