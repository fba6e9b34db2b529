#!/usr/bin/env bash
# Differential C test runner for oxissl.
#
# usage: c-tests/run.sh [--lib DIR] [--valgrind] [--only NAME[,NAME..]]
#                       [--system-only] [--our-header] [--build DIR] [-j N]
#
#   --lib DIR       directory holding the oxissl libssl.so.3
#                   (default: <repo>/target/release)
#   --valgrind      also run every program under valgrind (with oxissl, or
#                   with the system libssl when --system-only) and require
#                   0 errors and 0 bytes definitely lost
#   --only NAME     run only these tests (comma separated; "t_" prefix and
#                   ".c" suffix optional; shell globs allowed, e.g. 't_hostile_*')
#   --system-only   run only against the system libssl (each program twice,
#                   the two transcripts must be identical: determinism check)
#   --our-header    compile against <repo>/include/openssl/ssl.h (the
#                   generated oxissl header) instead of the system one
#   --build DIR     build/output directory (default: <repo>/target/c-tests)
#   -j N            parallel jobs (default 4)
#
# Every program is run with the system libssl (LD_LIBRARY_PATH unset) and
# with LD_LIBRARY_PATH=DIR; OXISSL_EXPECT_LIB makes each program verify (via
# dl_iterate_phdr) that the libssl.so.3 it mapped is from the expected
# directory (exit 97 otherwise).  Transcripts (stdout, plus "[exit N]" if the
# exit status is not 0) must be identical, or their diff must equal
# known-diffs/<test>.known (reported as KNOWN-DIFF): its first line "reason: ...", then
# the changed lines ("-" only in the system transcript, "+" only in oxissl's), compared
# as a set wherever they occur in the transcripts. `--record NAME` writes that file from
# the last run of NAME, with the reason given in $REASON.
#
# Output: one line per test (PASS / FAIL / KNOWN-DIFF), then a line
# "N passed, N failed".  KNOWN-DIFF counts as passed.  Exit status 1 if
# anything failed.  Transcripts, stderr logs, diffs and valgrind logs are in
# BUILD/out/.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
LIBDIR=$ROOT/target/release
BUILD=$ROOT/target/c-tests
VALGRIND=0
ONLY=""
SYSONLY=0
OURHDR=0
JOBS=4
RECORD=""

while [ $# -gt 0 ]; do
    case "$1" in
        --lib) LIBDIR=$2; shift 2 ;;
        --lib=*) LIBDIR=${1#--lib=}; shift ;;
        --valgrind) VALGRIND=1; shift ;;
        --only) ONLY=$2; shift 2 ;;
        --only=*) ONLY=${1#--only=}; shift ;;
        --system-only) SYSONLY=1; shift ;;
        --our-header) OURHDR=1; shift ;;
        --build) BUILD=$2; shift 2 ;;
        --build=*) BUILD=${1#--build=}; shift ;;
        -j) JOBS=$2; shift 2 ;;
        -j*) JOBS=${1#-j}; shift ;;
        --record) RECORD=$2; shift 2 ;;
        -h|--help) sed -n '2,36p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
CERTS=$BUILD/certs
OUT=$BUILD/out
CC=${CC:-gcc}
CFLAGS="-Wall -Werror -O1 -g"
if [ $OURHDR = 1 ]; then
    # OXTEST_OUR_INCLUDE overrides the include directory (for testing the
    # runner itself); normally <repo>/include
    OURINC=${OXTEST_OUR_INCLUDE:-$ROOT/include}
    BIN=$BUILD/bin-our-header
    if [ ! -f "$OURINC/openssl/ssl.h" ]; then
        echo "run.sh: --our-header: $OURINC/openssl/ssl.h does not exist (yet)" >&2
        echo "0 passed, 1 failed"
        exit 1
    fi
    CFLAGS="$CFLAGS -I$OURINC"
else
    BIN=$BUILD/bin
fi
mkdir -p "$BIN" "$OUT"

# ---- select tests ----------------------------------------------------------
ALL=()
for f in "$HERE"/t_*.c; do
    n=$(basename "$f" .c)
    ALL+=("$n")
done
TESTS=()
if [ -n "$ONLY" ]; then
    IFS=',' read -r -a pats <<< "$ONLY"
    for n in "${ALL[@]}"; do
        for p in "${pats[@]}"; do
            p=${p%.c}
            case "$p" in t_*) ;; *) p="t_$p" ;; esac
            # shellcheck disable=SC2053
            if [[ $n == $p ]]; then TESTS+=("$n"); break; fi
        done
    done
    if [ ${#TESTS[@]} -eq 0 ]; then
        echo "run.sh: --only '$ONLY' matches no test" >&2
        echo "0 passed, 1 failed"
        exit 1
    fi
else
    TESTS=("${ALL[@]}")
fi

# ---- build -----------------------------------------------------------------
if ! $CC $CFLAGS -c -o "$BIN/common.o" "$HERE/common.c" 2> "$OUT/common.build.log"; then
    head -n 40 "$OUT/common.build.log" >&2
    echo "run.sh: common.c does not compile (full log: $OUT/common.build.log)" >&2
    echo "0 passed, ${#TESTS[@]} failed"
    exit 1
fi
build_one() {
    local n=$1
    $CC $CFLAGS -o "$BIN/$n" "$HERE/$n.c" "$BIN/common.o" -lssl -lcrypto \
        > "$OUT/$n.build.log" 2>&1 || rm -f "$BIN/$n"
}
export -f build_one
export CC CFLAGS BIN HERE OUT
printf '%s\n' "${TESTS[@]}" | xargs -P "$JOBS" -I{} bash -c 'build_one {}'

# ---- certificates ----------------------------------------------------------
if ! "$HERE/certs.sh" "$CERTS" > "$OUT/certs.log" 2>&1; then
    cat "$OUT/certs.log" >&2
    echo "run.sh: certs.sh failed" >&2
    echo "0 passed, ${#TESTS[@]} failed"
    exit 1
fi

# ---- libraries ---------------------------------------------------------------
probe=""
for n in "${TESTS[@]}"; do [ -x "$BIN/$n" ] && probe=$BIN/$n && break; done
SYSLIBDIR=""
if [ -n "$probe" ]; then
    syslib=$(env -u LD_LIBRARY_PATH -u LD_PRELOAD ldd "$probe" | awk '$1=="libssl.so.3"{print $3}')
    [ -n "$syslib" ] && SYSLIBDIR=$(dirname "$syslib")
fi
if [ -z "$SYSLIBDIR" ]; then
    echo "run.sh: cannot determine the system libssl.so.3 directory" >&2
fi
if [ $SYSONLY = 0 ]; then
    if [ ! -e "$LIBDIR/libssl.so.3" ]; then
        echo "run.sh: $LIBDIR/libssl.so.3 not found (build oxissl first, or use --system-only)" >&2
        echo "0 passed, ${#TESTS[@]} failed"
        exit 1
    fi
    LIBDIR=$(cd "$LIBDIR" && pwd)
fi

TMO=30
[ $VALGRIND = 1 ] && TMO=180
VGSUPP=()
[ -f "$HERE/valgrind.supp" ] && VGSUPP=(--suppressions="$HERE/valgrind.supp")

# run_side NAME SIDE(sys|oxi) VG(0|1) TAG  -> writes OUT/NAME.TAG.{out,err}
run_side() {
    local n=$1 side=$2 vg=$3 tag=$4 rc
    local out=$OUT/$n.$tag.out err=$OUT/$n.$tag.err
    local -a envv pre=()
    if [ "$side" = sys ]; then
        envv=(env -u LD_LIBRARY_PATH -u LD_PRELOAD OXISSL_EXPECT_LIB="$SYSLIBDIR")
    else
        envv=(env -u LD_PRELOAD LD_LIBRARY_PATH="$LIBDIR" OXISSL_EXPECT_LIB="$LIBDIR")
    fi
    if [ "$vg" = 1 ]; then
        pre=(valgrind -q --error-exitcode=99 --leak-check=full
             --errors-for-leak-kinds=definite --show-leak-kinds=definite
             --child-silent-after-fork=yes --log-file="$OUT/$n.$tag.vg"
             "${VGSUPP[@]}")
    fi
    (cd "$OUT" && "${envv[@]}" OXTEST_TIMEOUT=$TMO \
        timeout -k 5 $((TMO + 20)) "${pre[@]}" "$BIN/$n" "$CERTS" \
        > "$out" 2> "$err" < /dev/null)
    rc=$?
    [ $rc != 0 ] && echo "[exit $rc]" >> "$out"
    return $rc
}

# valgrind verdict: "" if clean, otherwise a reason
vg_check() {
    local log=$1 rc=$2
    if [ "$rc" = 99 ]; then echo "valgrind errors"; return; fi
    if [ ! -s "$log" ]; then return; fi
    if grep -q "definitely lost: [1-9]" "$log"; then echo "valgrind: definitely lost"; return; fi
    if grep -q "ERROR SUMMARY: [1-9]" "$log"; then echo "valgrind errors"; return; fi
}

run_one() {
    local n=$1 res=$OUT/$n.result rc1 rc2 rcv why
    rm -f "$res" "$OUT/$n".*.out "$OUT/$n".*.err "$OUT/$n".*.vg "$OUT/$n.diff"
    if [ ! -x "$BIN/$n" ]; then
        echo "FAIL $n (build failed, see $OUT/$n.build.log)" > "$res"; return
    fi
    if [ $SYSONLY = 1 ]; then
        run_side "$n" sys 0 sys; rc1=$?
        run_side "$n" sys 0 sys2; rc2=$?
        if [ $rc1 != 0 ]; then
            echo "FAIL $n (exit $rc1 with system libssl)" > "$res"; return
        fi
        if ! cmp -s "$OUT/$n.sys.out" "$OUT/$n.sys2.out"; then
            diff -u --label run1 --label run2 "$OUT/$n.sys.out" "$OUT/$n.sys2.out" > "$OUT/$n.diff"
            echo "FAIL $n (nondeterministic transcript, see $OUT/$n.diff)" > "$res"; return
        fi
        if [ $VALGRIND = 1 ]; then
            run_side "$n" sys 1 sysvg; rcv=$?
            why=$(vg_check "$OUT/$n.sysvg.vg" $rcv)
            if [ -n "$why" ]; then
                echo "FAIL $n ($why, see $OUT/$n.sysvg.vg)" > "$res"; return
            fi
            if ! cmp -s "$OUT/$n.sys.out" "$OUT/$n.sysvg.out"; then
                diff -u --label plain --label valgrind "$OUT/$n.sys.out" "$OUT/$n.sysvg.out" > "$OUT/$n.diff"
                echo "FAIL $n (transcript differs under valgrind, see $OUT/$n.diff)" > "$res"; return
            fi
        fi
        echo "PASS $n" > "$res"; return
    fi

    run_side "$n" sys 0 sys; rc1=$?
    run_side "$n" oxi 0 oxi; rc2=$?
    if [ $rc1 != 0 ]; then
        echo "FAIL $n (exit $rc1 with system libssl: test broken)" > "$res"; return
    fi
    if [ $VALGRIND = 1 ]; then
        run_side "$n" oxi 1 oxivg; rcv=$?
        why=$(vg_check "$OUT/$n.oxivg.vg" $rcv)
        if [ -n "$why" ]; then
            echo "FAIL $n ($why, see $OUT/$n.oxivg.vg)" > "$res"; return
        fi
        if ! cmp -s "$OUT/$n.oxi.out" "$OUT/$n.oxivg.out"; then
            diff -u --label plain --label valgrind "$OUT/$n.oxi.out" "$OUT/$n.oxivg.out" > "$OUT/$n.vgdiff"
            echo "FAIL $n (oxissl transcript differs under valgrind, see $OUT/$n.vgdiff)" > "$res"; return
        fi
    fi
    if cmp -s "$OUT/$n.sys.out" "$OUT/$n.oxi.out"; then
        echo "PASS $n" > "$res"; return
    fi
    diff -u --label system --label oxissl "$OUT/$n.sys.out" "$OUT/$n.oxi.out" > "$OUT/$n.diff"
    if [ -f "$HERE/known-diffs/$n.known" ]; then
        why=$(known_check "$n" "$HERE/known-diffs/$n.known")
        if [ -z "$why" ]; then
            echo "KNOWN-DIFF $n" > "$res"
        else
            echo "FAIL $n ($why)" > "$res"
        fi
    else
        echo "FAIL $n (transcripts differ, see $OUT/$n.diff)" > "$res"
    fi
}

# The changed lines of a test's two transcripts, position-independent: each line only in
# the system transcript as "-LINE", each only in oxissl's as "+LINE", sorted.
changed_lines() {
    diff -U0 "$OUT/$1.sys.out" "$OUT/$1.oxi.out" | grep -E '^[-+]' | grep -vE '^(---|\+\+\+) ' | LC_ALL=C sort
}

# known_check NAME FILE: nothing when the recorded difference (FILE: a "reason: ..." line,
# then the changed lines) is exactly what occurs now, else why not: every recorded line
# must still occur and nothing else may differ.
known_check() {
    local n=$1 file=$2 reason
    reason=$(head -n 1 "$file" | sed -n 's/^reason: *//p')
    if [ -z "$reason" ]; then
        echo "known-diffs/$n.known has no 'reason: ...' first line"; return
    fi
    changed_lines "$n" > "$OUT/$n.changed"
    tail -n +2 "$file" | LC_ALL=C sort > "$OUT/$n.expected"
    if ! cmp -s "$OUT/$n.changed" "$OUT/$n.expected"; then
        { echo "# recorded in known-diffs/$n.known, not seen now:"
          LC_ALL=C comm -13 "$OUT/$n.changed" "$OUT/$n.expected"
          echo "# seen now, not recorded:"
          LC_ALL=C comm -23 "$OUT/$n.changed" "$OUT/$n.expected"; } > "$OUT/$n.knowndiff"
        echo "not the recorded difference, see $OUT/$n.knowndiff"
    fi
}

# ---- run (parallel), report in order ---------------------------------------
for n in "${TESTS[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    run_one "$n" &
done
wait

pass=0; fail=0; known=0
for n in "${TESTS[@]}"; do
    line=$(cat "$OUT/$n.result" 2>/dev/null || echo "FAIL $n (no result)")
    echo "$line"
    case "$line" in
        PASS*) pass=$((pass + 1)) ;;
        KNOWN-DIFF*) pass=$((pass + 1)); known=$((known + 1)) ;;
        *) fail=$((fail + 1)) ;;
    esac
done
[ $known -gt 0 ] && echo "($known known differences)"
if [ -n "$RECORD" ]; then
    n=${RECORD%.c}; case $n in t_*) ;; *) n=t_$n ;; esac
    if [ -z "${REASON:-}" ]; then
        echo "run.sh: --record needs the reason in \$REASON" >&2
    elif [ -f "$OUT/$n.sys.out" ] && [ -f "$OUT/$n.oxi.out" ]; then
        { echo "reason: $REASON"; changed_lines "$n"; } > "$HERE/known-diffs/$n.known"
        echo "recorded known-diffs/$n.known ($(($(wc -l < "$HERE/known-diffs/$n.known") - 1)) changed lines)"
    else
        echo "run.sh: no transcripts of $n to record (run it with --only $n)" >&2
    fi
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
