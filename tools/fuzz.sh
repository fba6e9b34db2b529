#!/usr/bin/env bash
# tools/fuzz.sh -- coverage-guided fuzzing of oxissl's C ABI under AddressSanitizer.
#
#   tools/fuzz.sh build                  build every target in fuzz/ (and the C oracle)
#   tools/fuzz.sh run TARGET SECONDS [LIBFUZZER_ARGS...]
#                                        fuzz one target; corpus target/fuzz-corpus/TARGET
#                                        (seeded from fuzz/corpus/TARGET), crashes, leaks,
#                                        timeouts and OOMs in target/fuzz-artifacts/TARGET
#   tools/fuzz.sh smoke [SECONDS]        saved reproducers, then every target SECONDS
#                                        each (default 30) from its seeds alone; exits
#                                        non-zero on any crash, leak, timeout or OOM
#   tools/fuzz.sh repro TARGET FILE...   run inputs once (e.g. fuzz/regressions/TARGET/*)
#   tools/fuzz.sh regressions            run every saved reproducer once
#   tools/fuzz.sh record                 rewrite the seed corpora in fuzz/corpus/ from
#                                        in-process handshakes (the `record` binary)
#   tools/fuzz.sh targets                list the targets
#
# The build is what `cargo fuzz build` does (cargo-fuzz's own flag set, see RUSTFLAGS below)
# without needing the cargo-fuzz binary: cargo +nightly (or stable with RUSTC_BOOTSTRAP=1,
# see ensure_toolchain), libfuzzer-sys from crates.io (its C++ part is compiled with g++),
# --target so that build scripts are not instrumented.
# Leak detection stays on (libFuzzer's -detect_leaks=1 default under ASan; LSan is never
# silenced). Environment: FUZZ_NICE (default 10), FUZZ_JOBS (cargo -j), FUZZ_RSS_MB (2048),
# FUZZ_TIMEOUT (per-input seconds, 10).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FUZZ="$ROOT/fuzz"
TRIPLE=x86_64-unknown-linux-gnu
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$ROOT/target/fuzz}"
BIN="$CARGO_TARGET_DIR/$TRIPLE/release"
CORPUS="$ROOT/target/fuzz-corpus"
ARTIFACTS="$ROOT/target/fuzz-artifacts"
LOGS="$ROOT/target/fuzz-logs"
ORACLE="$CARGO_TARGET_DIR/config-oracle"
NICE=${FUZZ_NICE:-10}
RSS_MB=${FUZZ_RSS_MB:-2048}
TIMEOUT=${FUZZ_TIMEOUT:-10}
TARGETS=(session server client config config_diff)

# What cargo-fuzz 0.12/0.13 passes for `cargo fuzz build` in release mode with
# AddressSanitizer on Linux (its src/project.rs), plus -Cdebug-assertions and
# -Coverflow-checks (cargo fuzz build -a / --debug-assertions).
RUSTFLAGS_FUZZ="-Cpasses=sancov-module \
-Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
-Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares \
--cfg fuzzing \
-Clink-dead-code \
-Zsanitizer=address \
-Cllvm-args=-sanitizer-coverage-stack-depth \
-Cdebug-assertions \
-Coverflow-checks"

# detect_odr_violation=0 as cargo-fuzz sets it for ASan; leaks are reported.
asan_env() {
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_odr_violation=0:detect_leaks=1"
    # No host policy: every context starts from OpenSSL's built-in defaults (the host's
    # openssl.cnf system_default section is applied by neither library).
    export OPENSSL_CONF=/dev/null
    export OXISSL_FUZZ_ORACLE="$ORACLE"
}

die() { echo "fuzz.sh: $*" >&2; exit 2; }

# The toolchain: nightly when it is installed (cargo +nightly), else the machine's stable
# one with RUSTC_BOOTSTRAP=1, which accepts the -Z flags (its rust-std ships the ASan
# runtime; rust-src is not needed: nothing is rebuilt with -Zbuild-std). A fresh machine
# of this project's kind has only the stable toolchain, and no other can be fetched.
# FUZZ_TOOLCHAIN=stable|nightly forces one.
CARGO_FUZZ=()
ensure_toolchain() {
    command -v cargo >/dev/null || die "cargo not found (install rustup)"
    local tc=${FUZZ_TOOLCHAIN:-}
    if [ -z "$tc" ]; then
        # (Asked of rustup's list: `cargo +nightly` could try to download it.)
        if rustup toolchain list 2>/dev/null | grep -q '^nightly-'; then tc=nightly; else tc=stable; fi
    fi
    if [ "$tc" = nightly ]; then
        CARGO_FUZZ=(cargo +nightly)
    else
        CARGO_FUZZ=(env RUSTC_BOOTSTRAP=1 cargo)
    fi
    local need=()
    for tool in g++:g++ gcc:gcc; do
        command -v "${tool%%:*}" >/dev/null || need+=("${tool##*:}")
    done
    # The C oracle of config_diff links the system libssl and includes its headers.
    [ -e /usr/include/openssl/ssl.h ] || need+=(libssl-dev)
    if [ ${#need[@]} -gt 0 ]; then
        local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
    fi
}

build() {
    ensure_toolchain
    mkdir -p "$CARGO_TARGET_DIR"
    # The oracle: the system libssl (never oxissl: no rpath, and runs without LD_*).
    gcc -O1 -g -Wall -Wextra -o "$ORACLE" "$FUZZ/oracle/config_oracle.c" -lssl -lcrypto
    (cd "$FUZZ" && RUSTFLAGS="$RUSTFLAGS_FUZZ" "${CARGO_FUZZ[@]}" build --release --target "$TRIPLE" \
        ${FUZZ_JOBS:+-j "$FUZZ_JOBS"} --bins)
}

built() {
    local t
    for t in "${TARGETS[@]}"; do [ -x "$BIN/$t" ] || return 1; done
    [ -x "$ORACLE" ]
}

valid_target() {
    local t
    for t in "${TARGETS[@]}"; do [ "$t" = "$1" ] && return 0; done
    die "unknown target '$1' (targets: ${TARGETS[*]})"
}

# User+system CPU seconds of this shell's finished children (bash `times`, 2nd line).
# Call it directly (not in $(...), whose subshell has no children of its own).
children_cpu() {
    times >"$LOGS/.times.$$"
    tail -1 "$LOGS/.times.$$" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] } print t }' >"$LOGS/.cpu.$$"
}

# The last "stat::NAME: VALUE" printed by -print_final_stats=1, or the last "#N ... cov: C
# ft: F corp: N/SIZE exec/s: E" status line, for the summary.
final_stat() { grep -a "^stat::$2:" "$1" | tail -1 | awk '{print $2}'; }
status_field() { grep -aE '^#[0-9]+' "$1" | grep -a "$2:" | tail -1 | sed -E "s/.*$2: ([^ ]+).*/\1/"; }

# run TARGET SECONDS [ARGS...]: fuzz; prints a summary line; returns libFuzzer's status.
run() {
    local target=$1 seconds=$2; shift 2
    valid_target "$target"
    built || build
    asan_env
    local corpus="$CORPUS/$target" artifacts="$ARTIFACTS/$target"
    mkdir -p "$corpus" "$artifacts" "$LOGS"
    # Seeds enter the persistent corpus once; libFuzzer keeps what it finds beside them.
    if [ -d "$FUZZ/corpus/$target" ]; then
        cp -n "$FUZZ/corpus/$target"/* "$corpus"/ 2>/dev/null || true
    fi
    local dict=() log="$LOGS/$target.log"
    [ -f "$FUZZ/dict/$target.dict" ] && dict=(-dict="$FUZZ/dict/$target.dict")
    local status=0 cpu0
    children_cpu; cpu0=$(cat "$LOGS/.cpu.$$")
    # Run a copy, so that a rebuild during a long run does not touch the running binary.
    local exe="$ROOT/target/fuzz-run/$target"
    mkdir -p "$ROOT/target/fuzz-run"
    cp -f "$BIN/$target" "$exe.tmp" && mv -f "$exe.tmp" "$exe"
    # -fork is not used: one process, one core (the machine is shared).
    set +e
    # A watchdog past libFuzzer's own -max_total_time, in case the process stops
    # answering (it is stopped for every leak check).
    timeout -s KILL $((seconds + 600)) nice -n "$NICE" "$exe" "$corpus" "$FUZZ/corpus/$target" \
        -artifact_prefix="$artifacts/" -max_total_time="$seconds" -print_final_stats=1 \
        -rss_limit_mb="$RSS_MB" -timeout="$TIMEOUT" -detect_leaks=1 "${dict[@]}" "$@" \
        >"$log" 2>&1
    status=$?
    set -e
    # CPU seconds of the fuzzer process (and the oracle): this shell's children.
    local cpu
    children_cpu
    cpu=$(awk -v a="$(cat "$LOGS/.cpu.$$")" -v b="$cpu0" 'BEGIN { printf "%.0f", a - b }')
    rm -f "$LOGS/.times.$$" "$LOGS/.cpu.$$"
    local execs cov ft corp eps
    execs=$(final_stat "$log" number_of_executed_units)
    eps=$(final_stat "$log" average_exec_per_sec)
    cov=$(status_field "$log" cov)
    ft=$(status_field "$log" ft)
    corp=$(ls "$corpus" | wc -l)
    printf '%-12s execs %s  exec/s %s  cov %s  ft %s  corpus %s files  cpu %ss  status %s\n' \
        "$target" "${execs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "$corp" "$cpu" "$status" |
        tee -a "$LOGS/history.txt"
    if [ "$status" -ne 0 ]; then
        echo "fuzz.sh: $target: libFuzzer exited $status; log $log, artifacts in $artifacts:" >&2
        grep -aE '^==[0-9]+==ERROR|^SUMMARY|panicked at|Test unit written|timeout|out-of-memory' "$log" | head -20 >&2
    fi
    return "$status"
}

repro() {
    local target=$1; shift
    valid_target "$target"
    built || build
    asan_env
    "$BIN/$target" -runs=1 "$@"
}

regressions() {
    built || build
    asan_env
    local t fail=0
    for t in "${TARGETS[@]}"; do
        [ -d "$FUZZ/regressions/$t" ] || continue
        compgen -G "$FUZZ/regressions/$t/*" >/dev/null || continue
        if "$BIN/$t" -runs=1 "$FUZZ/regressions/$t"/* >"$LOGS/regressions-$t.log" 2>&1; then
            echo "PASS regressions/$t ($(ls "$FUZZ/regressions/$t" | wc -l) inputs)"
        else
            echo "FAIL regressions/$t (log $LOGS/regressions-$t.log)"; fail=1
        fi
    done
    return $fail
}

smoke() {
    local seconds=${1:-30} t fail=0 t0
    mkdir -p "$LOGS"
    # A fresh corpus of the seeds only: a grown persistent corpus would take longer to
    # load than the run lasts, and the smoke must cost the same every time.
    CORPUS="$ROOT/target/fuzz-smoke-corpus"
    rm -rf "$CORPUS"
    t0=$(date +%s)
    build
    echo "fuzz.sh: build $(( $(date +%s) - t0 ))s"
    regressions || fail=1
    for t in "${TARGETS[@]}"; do
        run "$t" "$seconds" || fail=1
    done
    echo "fuzz.sh: smoke total $(( $(date +%s) - t0 ))s"
    if [ $fail -ne 0 ]; then echo "fuzz-smoke: FAILED"; else echo "fuzz-smoke: ok"; fi
    return $fail
}

# totals: per target, the sum of every run in target/fuzz-logs/history.txt (executions, CPU),
# the best coverage and features any run reached, the campaign corpus (target/fuzz-corpus)
# and the runs that ended in a finding.
totals() {
    [ -f "$LOGS/history.txt" ] || die "no $LOGS/history.txt: no run recorded yet"
    awk '$1 !~ /^#/ {
            t = $1; runs[t]++
            for (i = 2; i < NF; i++) {
                if ($i == "execs") execs[t] += $(i + 1)
                if ($i == "cov" && $(i + 1) + 0 > cov[t]) cov[t] = $(i + 1) + 0
                if ($i == "ft" && $(i + 1) + 0 > ft[t]) ft[t] = $(i + 1) + 0
                if ($i == "cpu") { c = $(i + 1); sub(/s$/, "", c); if (c ~ /^[0-9]+$/) cpu[t] += c; else unknown[t]++ }
                if ($i == "status" && $(i + 1) != "0") found[t]++
            }
        }
        END {
            printf "%-12s %5s %12s %10s %7s %7s %7s %s\n", "target", "runs", "executions", "cpu", "cov", "ft", "corpus", "runs ending in a finding"
            n = split("session server client config config_diff", order, " ")
            for (k = 1; k <= n; k++) {
                t = order[k]; if (!(t in runs)) continue
                corpus = 0; cmd = "ls " dir "/" t " 2>/dev/null | wc -l"; cmd | getline corpus; close(cmd)
                printf "%-12s %5d %12d %7.1f min %7s %7s %7s %d%s\n", t, runs[t], execs[t], cpu[t] / 60, cov[t], ft[t], corpus, found[t],
                    (unknown[t] ? sprintf(" (%d run(s) without a CPU figure)", unknown[t]) : "")
            }
        }' dir="$CORPUS" "$LOGS/history.txt"
}

main() {
    cmd=${1:-}
    case "$cmd" in
        build) build ;;
        run) [ $# -ge 3 ] || die "usage: fuzz.sh run TARGET SECONDS [ARGS...]"; shift; run "$@" ;;
        smoke) shift; smoke "$@" ;;
        repro) [ $# -ge 3 ] || die "usage: fuzz.sh repro TARGET FILE..."; shift; repro "$@" ;;
        regressions) mkdir -p "$LOGS"; regressions ;;
        record)
            built || build
            asan_env
            "$BIN/record" "$FUZZ/corpus"
            # ClientHellos from the system libssl (extensions rustls never sends).
            gcc -O1 -Wall -Wextra -o "$CARGO_TARGET_DIR/openssl-hellos" "$FUZZ/oracle/openssl_hellos.c" -lssl -lcrypto
            env -u LD_LIBRARY_PATH -u LD_PRELOAD "$CARGO_TARGET_DIR/openssl-hellos" "$FUZZ/corpus/server" ;;
        targets) printf '%s\n' "${TARGETS[@]}" ;;
        totals) totals ;;
        *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
}

# One line, read whole before it runs: editing this file during a long run is safe.
main "$@"; exit $?
