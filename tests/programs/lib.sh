# Sourced by the real-program tests in this directory (curl.sh, python.sh, nginx.sh, …).
#
# Gives each test: $ROOT, $LIBDIR (oxissl's build, default target/release), $OXLIB, a test
# PKI in $PKI (c-tests/certs.sh), a work directory $WORK removed at exit (KEEP=1 keeps it),
# the environments to run a program on the system libssl or on oxissl, the
# /proc/PID/maps proof of which libssl a process loaded, and pass/fail bookkeeping.
#
#   on_system CMD…        run CMD on the system libssl (loader variables removed)
#   on_oxissl MODE CMD…   run CMD on oxissl; MODE is `path` (LD_LIBRARY_PATH) or
#                         `preload` (LD_PRELOAD of our libssl.so.3)
#   maps_check PID        0 when PID has our libssl.so.3 mapped and not the system's
#   sys_maps_check PID    0 when PID has the system libssl mapped and not ours
#   inmode/modeenv/launch/stop   run a command on a given library (see below)
#   ok NAME / bad NAME WHY / check NAME CMD…   record a result
#   finish                print "N passed, N failed" and exit non-zero on a failure
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LIBDIR=${LIBDIR:-$ROOT/target/release}
while [ $# -gt 0 ]; do
    case $1 in
        --lib) LIBDIR=$(cd "$2" && pwd); shift 2 ;;
        *) shift ;;
    esac
done
OXLIB=$LIBDIR/libssl.so.3
[ -e "$OXLIB" ] || { echo "no $OXLIB (run make lib)" >&2; exit 2; }
OXLIB_REAL=$(readlink -f "$OXLIB")
SYSLIB_REAL=$(readlink -f /lib/x86_64-linux-gnu/libssl.so.3 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/libssl.so.3)

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

PKI=$WORK/pki
"$ROOT/c-tests/certs.sh" "$PKI" >/dev/null 2>&1 || { echo "certs.sh failed" >&2; exit 2; }

on_system() {
    env -u LD_LIBRARY_PATH -u LD_PRELOAD -u OPENSSL_CONF "$@"
}

on_oxissl() {
    local mode=$1; shift
    case $mode in
        path) env -u LD_PRELOAD -u OPENSSL_CONF LD_LIBRARY_PATH="$LIBDIR" "$@" ;;
        preload) env -u LD_LIBRARY_PATH -u OPENSSL_CONF LD_PRELOAD="$OXLIB_REAL" "$@" ;;
        *) echo "on_oxissl: mode is path or preload" >&2; return 2 ;;
    esac
}

# maps_check PID: our library is mapped into PID and the system libssl is not.
maps_check() {
    local maps=/proc/$1/maps
    [ -r "$maps" ] || { echo "maps_check: no $maps" >&2; return 1; }
    local libs
    libs=$(awk '$6 ~ /libssl\.so/ {print $6}' "$maps" | sort -u)
    if ! grep -qxF "$OXLIB_REAL" <<<"$libs"; then
        echo "maps_check: $OXLIB_REAL not mapped in $1 (mapped: ${libs:-none})" >&2
        return 1
    fi
    if grep -qxF "$SYSLIB_REAL" <<<"$libs"; then
        echo "maps_check: the system libssl is also mapped in $1" >&2
        return 1
    fi
    return 0
}

# sys_maps_check PID: 0 when PID has the system libssl mapped and not ours (the baseline).
sys_maps_check() {
    local libs
    libs=$(awk '$6 ~ /libssl\.so/ {print $6}' "/proc/$1/maps" 2>/dev/null | sort -u)
    grep -qxF "$SYSLIB_REAL" <<<"$libs" && ! grep -qxF "$OXLIB_REAL" <<<"$libs"
}
# libs_check MODE PID: PID maps the libssl MODE means (system, or oxissl's path/preload).
libs_check() { if [ "$1" = system ]; then sys_maps_check "$2"; else maps_check "$2"; fi; }
# label MODE: how a run is named in the output.
label() { if [ "$1" = system ]; then echo "system"; else echo "oxissl ($1)"; fi; }
# flat TEXT: lines joined with |.
flat() { tr '\n' '|' <<<"$1" | sed 's/|$//'; }

# inmode MODE CMD…: CMD on the system libssl (MODE system) or on oxissl (path, preload).
inmode() {
    local m=$1; shift
    if [ "$m" = system ]; then on_system "$@"; else on_oxissl "$m" "$@"; fi
}
# modeenv MODE: MODEENV=(env … the loader variables of MODE), for commands run elsewhere.
modeenv() {
    case $1 in
        system) MODEENV=(env -u LD_LIBRARY_PATH -u LD_PRELOAD -u OPENSSL_CONF) ;;
        path) MODEENV=(env -u LD_PRELOAD -u OPENSSL_CONF LD_LIBRARY_PATH="$LIBDIR") ;;
        preload) MODEENV=(env -u LD_LIBRARY_PATH -u OPENSSL_CONF LD_PRELOAD="$OXLIB_REAL") ;;
    esac
}
# launch MODE NAME CMD…: CMD in the background on MODE, stdout+stderr in $WORK/NAME.log;
# LPID is CMD's own PID (sh writes it, then execs CMD), BG the background job; both are
# recorded for the cleanup.
launch() {
    local m=$1 name=$2 i; shift 2
    rm -f "$WORK/$name.pid"
    inmode "$m" sh -c 'echo $$ >"$0"; exec "$@"' "$WORK/$name.pid" "$@" >"$WORK/$name.log" 2>&1 &
    BG=$!
    PIDS+=("$BG")
    LPID=
    for i in $(seq 100); do
        [ -s "$WORK/$name.pid" ] && break
        sleep 0.02
    done
    LPID=$(cat "$WORK/$name.pid" 2>/dev/null)
    [ -n "$LPID" ] && PIDS+=("$LPID")
}
# stop PID: SIGTERM, up to 3 s, then SIGKILL.
stop() {
    local i
    [ -n "${1:-}" ] || return 0
    kill "$1" 2>/dev/null
    for i in $(seq 60); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
    kill -KILL "$1" 2>/dev/null
}

# free_port, wait_port, nginx_scratch_http
# shellcheck source=tests/programs/net.bash
. "$ROOT/tests/programs/net.bash"

PASSED=0
FAILED=0
FAILED_NAMES=()
ok() { PASSED=$((PASSED + 1)); printf 'ok    %s\n' "$1"; }
bad() { FAILED=$((FAILED + 1)); FAILED_NAMES+=("$1"); printf 'FAIL  %s: %s\n' "$1" "${2:-}"; }
# check NAME CMD…: ok when CMD succeeds.
check() {
    local name=$1; shift
    if "$@"; then ok "$name"; else bad "$name" "$*"; fi
}
finish() {
    echo "$(basename "$0"): $PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}
