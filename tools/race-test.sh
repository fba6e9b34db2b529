#!/usr/bin/env bash
# make race-test: tests/races.rs (one client and two server SSL_CTXs shared by eight
# threads doing full and resumed handshakes while another thread reconfigures them; an
# external session cache, ticket-key rotation, servername/info/keylog/verify callbacks)
# under ThreadSanitizer: rustc with -Zsanitizer=thread and the standard library rebuilt
# instrumented (-Zbuild-std), so Arc, Mutex and atomics are seen as what they are. The
# nightly toolchain when rustup has one, else the stable one with RUSTC_BOOTSTRAP=1 (a
# fresh machine has only stable; its rust-src component is added on first use).
# libcrypto is the system's (not instrumented): its locks are pthread locks, which the
# sanitizer intercepts, but its atomics are invisible, so the accesses libcrypto itself
# makes are ignored (tools/tsan.supp); oxissl's, rustls', aws-lc-rs' and std's are checked.
#
#   1. the planted race (OXISSL_PLANT_RACE=1) must be reported: the check can fail;
#   2. the stress test runs RUNS times (default 3); any report fails the run.
#
# usage: tools/race-test.sh [RUNS]
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=${1:-3}
TARGET=x86_64-unknown-linux-gnu
TC=${RACE_TOOLCHAIN:-}
if [ -z "$TC" ] && rustup toolchain list 2>/dev/null | grep -q '^nightly-'; then TC=nightly; fi
if [ "$TC" = nightly ]; then
    CARGO=(cargo +nightly); TCARG=(--toolchain nightly)
else
    # the active toolchain (stable on a fresh machine), allowed the -Z flags
    CARGO=(env RUSTC_BOOTSTRAP=1 cargo); TCARG=()
fi
if ! rustup component list --installed "${TCARG[@]}" 2>/dev/null | grep -q '^rust-src'; then
    if ! rustup component add rust-src "${TCARG[@]}" >/dev/null; then
        echo "race-test: FAIL (rust-src could not be installed: -Zbuild-std needs it)"
        exit 1
    fi
fi
export RUSTFLAGS="-Zsanitizer=thread"
# A sanitizer build, not a release one: no LTO, parallel code generation (minutes saved).
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export CARGO_TARGET_DIR=$ROOT/target/tsan
build() {
    "${CARGO[@]}" test -Zbuild-std --target $TARGET --release --test races "$@"
}
if ! build --no-run > target/tsan-build.log 2>&1; then
    tail -n 30 target/tsan-build.log
    echo "race-test: FAIL (the ThreadSanitizer build failed, see target/tsan-build.log)"
    exit 1
fi
fail=0
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1 suppressions=$ROOT/tools/tsan.supp"
out=$(OXISSL_PLANT_RACE=1 build planted_race 2>&1)
if grep -q 'WARNING: ThreadSanitizer: data race' <<<"$out"; then
    echo "ok    the planted race is reported (the sanitizer is live)"
else
    echo "FAIL  the planted race was not reported: ThreadSanitizer is not working"
    fail=1
fi
for i in $(seq "$RUNS"); do
    out=$(build shared_contexts -- --nocapture 2>&1); rc=$?
    reports=$(grep -c 'WARNING: ThreadSanitizer' <<<"$out")
    summary=$(grep -o 'races: .*' <<<"$out")
    if [ "$rc" = 0 ] && [ "$reports" = 0 ]; then
        echo "ok    run $i: 0 reports; $summary"
    else
        echo "FAIL  run $i: exit $rc, $reports ThreadSanitizer reports"
        grep -A40 'WARNING: ThreadSanitizer' <<<"$out" | head -n 120
        fail=1
    fi
done
[ $fail = 0 ] && echo "race-test: PASS" || echo "race-test: FAIL"
exit $fail
