#!/usr/bin/env bash
# The API-misuse sweep (tools/misuse/README.md): every function of libssl.so.3 called with
# valid arguments, NULL for each pointer and extreme values for each integer, on the system
# libssl (each call in a forked child of its own: it crashes on many) and on oxissl (all calls in one
# process under valgrind: no crash, hang, leak or invalid access allowed); the transcripts
# must agree call by call or differ as tools/misuse/known-differences.txt says.
#
# usage: tools/misuse/run.sh [--lib DIR] [--build DIR] [--no-valgrind] [--only GLOB,...] [-v]
#
#   --lib DIR       the oxissl libssl.so.3 (default <repo>/target/release)
#   --build DIR     output directory (default <repo>/target/misuse)
#   --no-valgrind   run the oxissl side forked, without valgrind (quick look; not a pass)
#   --only GLOB     only these functions (the known-differences check is then skipped)
#   -v              print every named difference
#
# Output: the problems (unnamed differences, stale known differences, oxissl failures,
# valgrind findings), then a summary. Exit status 0 only when there are none.
# Files in BUILD: sys.txt and oxi.txt (transcripts), oxi.vg (valgrind log), report.txt,
# openssl-crashes.txt (functions where OpenSSL crashes and oxissl does not).
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LIBDIR=$ROOT/target/release
BUILD=$ROOT/target/misuse
VALGRIND=1
ONLY=""
VERBOSE=()

while [ $# -gt 0 ]; do
    case "$1" in
        --lib) LIBDIR=$2; shift 2 ;;
        --lib=*) LIBDIR=${1#--lib=}; shift ;;
        --build) BUILD=$2; shift 2 ;;
        --build=*) BUILD=${1#--build=}; shift ;;
        --no-valgrind) VALGRIND=0; shift ;;
        --only) ONLY=$2; shift 2 ;;
        --only=*) ONLY=${1#--only=}; shift ;;
        -v) VERBOSE=(-v); shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "misuse-sweep: unknown argument: $1" >&2; exit 2 ;;
    esac
done

start=$(date +%s)

# ---- tools ---------------------------------------------------------------------------
need=()
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v python3 >/dev/null 2>&1 || need+=(python3)
[ $VALGRIND = 1 ] && ! command -v valgrind >/dev/null 2>&1 && need+=(valgrind)
[ -f /usr/include/openssl/ssl.h ] || need+=(libssl-dev)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
    echo "misuse-sweep: installing ${need[*]}" >&2
    SUDO=""; [ "$(id -u)" != 0 ] && SUDO=sudo
    $SUDO apt-get update -qq >/dev/null && \
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null || {
        echo "misuse-sweep: cannot install ${need[*]}" >&2; exit 2; }
fi

if [ ! -e "$LIBDIR/libssl.so.3" ]; then
    echo "misuse-sweep: $LIBDIR/libssl.so.3 not found (make lib)" >&2
    exit 2
fi
LIBDIR=$(cd "$LIBDIR" && pwd)
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)

# ---- build ---------------------------------------------------------------------------
python3 "$HERE/gen.py" --skips -o "$BUILD/calls.c" > "$BUILD/skips.txt" || exit 2
CFLAGS=(-DOPENSSL_API_COMPAT=0x10000000L -Wall -Werror -O1 -g -I"$HERE")
if ! ${CC:-gcc} "${CFLAGS[@]}" -o "$BUILD/misuse" "$HERE/harness.c" "$BUILD/calls.c" -lssl -lcrypto \
        > "$BUILD/build.log" 2>&1; then
    head -n 30 "$BUILD/build.log" >&2
    echo "misuse-sweep: the harness does not compile (see $BUILD/build.log)" >&2
    exit 2
fi
if ! "$ROOT/c-tests/certs.sh" "$BUILD/certs" > "$BUILD/certs.log" 2>&1; then
    cat "$BUILD/certs.log" >&2
    exit 2
fi
syslib=$(env -u LD_LIBRARY_PATH -u LD_PRELOAD ldd "$BUILD/misuse" | awk '$1=="libssl.so.3"{print $3}')
SYSLIBDIR=$(dirname "$syslib")
if [ "$SYSLIBDIR" = "$LIBDIR" ]; then
    echo "misuse-sweep: the system libssl is oxissl's ($SYSLIBDIR)" >&2
    exit 2
fi
ONLYARGS=()
[ -n "$ONLY" ] && ONLYARGS=(--only "$ONLY")
ncalls=$("$BUILD/misuse" "$HERE/data" "$BUILD/certs" --list "${ONLYARGS[@]}" | wc -l)

# ---- run -----------------------------------------------------------------------------
# The system libssl: forked calls.
(cd "$BUILD" && env -u LD_LIBRARY_PATH -u LD_PRELOAD MISUSE_EXPECT_LIB="$SYSLIBDIR" \
    timeout -k 5 600 "$BUILD/misuse" "$HERE/data" "$BUILD/certs" --fork-each "${ONLYARGS[@]}" \
    > "$BUILD/sys.txt" 2> "$BUILD/sys.err")
rc=$?
if [ $rc != 0 ]; then
    echo "misuse-sweep: the system run failed (exit $rc, see $BUILD/sys.err)" >&2
    exit 2
fi
t_sys=$(date +%s)

# oxissl: one process under valgrind (or forked without it).
VGARGS=()
rc=0
if [ $VALGRIND = 1 ]; then
    VGARGS=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
            --show-leak-kinds=definite --num-callers=30 --log-file="$BUILD/oxi.vg")
    [ -f "$ROOT/c-tests/valgrind.supp" ] && VGARGS+=(--suppressions="$ROOT/c-tests/valgrind.supp")
    (cd "$BUILD" && env -u LD_PRELOAD LD_LIBRARY_PATH="$LIBDIR" MISUSE_EXPECT_LIB="$LIBDIR" \
        MISUSE_TIMEOUT=60 timeout -k 5 900 "${VGARGS[@]}" "$BUILD/misuse" "$HERE/data" "$BUILD/certs" \
        "${ONLYARGS[@]}" > "$BUILD/oxi.txt" 2> "$BUILD/oxi.err")
    rc=$?
else
    rm -f "$BUILD/oxi.vg"
    (cd "$BUILD" && env -u LD_PRELOAD LD_LIBRARY_PATH="$LIBDIR" MISUSE_EXPECT_LIB="$LIBDIR" \
        timeout -k 5 600 "$BUILD/misuse" "$HERE/data" "$BUILD/certs" --fork-each "${ONLYARGS[@]}" \
        > "$BUILD/oxi.txt" 2> "$BUILD/oxi.err")
    rc=$?
fi
end=$(date +%s)

# ---- compare -------------------------------------------------------------------------
CMP=(python3 "$HERE/compare.py" "$BUILD/sys.txt" "$BUILD/oxi.txt" "$HERE/known-differences.txt"
     --unsupported "$LIBDIR/oxissl-unsupported.txt" --skips "$(wc -l < "$BUILD/skips.txt")"
     --crash-list "$BUILD/openssl-crashes.txt" "${VERBOSE[@]}")
[ -n "$ONLY" ] && CMP+=(--no-stale)
[ $VALGRIND = 1 ] && CMP+=(--valgrind "$BUILD/oxi.vg")
"${CMP[@]}" > "$BUILD/report.txt"
cmp_rc=$?
cat "$BUILD/report.txt"
status=0
[ $cmp_rc != 0 ] && status=1
if [ $rc != 0 ]; then
    case $rc in
        99) why="valgrind reported errors" ;;
        124|137) why="timed out" ;;
        *) why="exit $rc" ;;
    esac
    echo "misuse-sweep: the oxissl run failed: $why (see $BUILD/oxi.err, $BUILD/oxi.txt${VGARGS:+, $BUILD/oxi.vg})"
    status=1
fi
# The list of functions that crash OpenSSL (and not oxissl) is documented: keep it true.
if [ -z "$ONLY" ] && [ $cmp_rc = 0 ] && ! diff -q <(grep -v '^#' "$HERE/openssl-crashes.txt") \
        "$BUILD/openssl-crashes.txt" > /dev/null; then
    echo "misuse-sweep: tools/misuse/openssl-crashes.txt is out of date:"
    diff <(grep -v '^#' "$HERE/openssl-crashes.txt") "$BUILD/openssl-crashes.txt" | sed 's/^/  /'
    echo "  (copy $BUILD/openssl-crashes.txt below its comment lines)"
    status=1
fi
if [ "$(wc -l < "$BUILD/sys.txt")" != "$ncalls" ]; then
    echo "misuse-sweep: the system transcript has $(wc -l < "$BUILD/sys.txt") lines for $ncalls calls"
    status=1
fi
if [ -s "$BUILD/skips.txt" ]; then
    echo "skipped calls (made on neither library):"
    sed 's/^/  /' "$BUILD/skips.txt"
fi
echo "time: $((end - start))s (system run $((t_sys - start))s incl. build, oxissl run $((end - t_sys))s$([ $VALGRIND = 1 ] && echo ' under valgrind'))"
if [ $VALGRIND = 0 ]; then
    echo "misuse-sweep: --no-valgrind: not a full check"
fi
exit $status
