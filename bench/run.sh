#!/usr/bin/env bash
# make bench: every figure for the system libssl and for oxissl, alternating runs,
# medians, ratios (oxissl / OpenSSL; for memory lower is better) and the CPU model.
#   bench/run.sh [--runs N] [--seconds S] [--quick]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=8
secs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --seconds) secs=$2; shift 2 ;;
    --quick) runs=1; secs=0.3; shift ;;
    *) echo "usage: $0 [--runs N] [--seconds S] [--quick]" >&2; exit 2 ;;
  esac
done
out="$top/target/bench"
mkdir -p "$out"
certs="$top/target/c-tests/certs"
"$top/c-tests/certs.sh" "$certs" > "$out/certs.log" 2>&1
cc -O2 -pthread -o "$out/bench" "$top/bench/bench.c" -lssl -lcrypto
lib="$top/target/release"
figures="full-tls13-p256 full-tls13-rsa2048 full-tls12-ecdsa-aes128 resumed-tls13-ticket resumed-tls12-id resumed-tls12-ticket bulk-aes128-16k bulk-aes256-16k bulk-chacha-16k bulk-aes128-1k bulk-aes256-1k bulk-chacha-1k tcp-tls13-p256 memory-1000 memory-10000"

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# Single-threaded figures run as simultaneous pairs when there are two cores: the system
# library on one core and oxissl on the other, swapping cores every run, so that both
# see the same moment of a shared machine (its speed drifts by tens of percent from one
# second to the next). The ratio is the median of the pairs' ratios. The loopback TCP
# figure uses every core, so it alternates instead; memory is not timed.
paired=0
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  paired=1
  [ $((runs % 2)) -eq 0 ] || runs=$((runs + 1))
fi

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(nproc) cores)"
if [ "$paired" = 1 ]; then
  echo "runs: $runs; single-threaded figures as simultaneous pairs on two cores (swapped each run; ratio: median over run pairs of the geometric mean), others alternating; ${secs}s each; medians"
else
  echo "runs: $runs alternating (system, oxissl), ${secs}s each; medians"
fi
printf "%-26s %14s %14s %8s  %s\n" figure OpenSSL-3.0 oxissl ratio unit
for f in $figures; do
  : > "$out/$f.sys"; : > "$out/$f.oxi"; : > "$out/$f.ratio"
  for i in $(seq "$runs"); do
    if [ "$paired" = 1 ] && [ "${f#tcp}" = "$f" ] && [ "${f#memory}" = "$f" ]; then
      a=$((i % 2)); b=$(((i + 1) % 2))
      taskset -c "$a" "$out/bench" "$certs" "$f" "$secs" > "$out/run.sys" &
      LD_LIBRARY_PATH="$lib" taskset -c "$b" "$out/bench" "$certs" "$f" "$secs" > "$out/run.oxi"
      wait
    else
      "$out/bench" "$certs" "$f" "$secs" > "$out/run.sys"
      LD_LIBRARY_PATH="$lib" "$out/bench" "$certs" "$f" "$secs" > "$out/run.oxi"
    fi
    cat "$out/run.sys" >> "$out/$f.sys"; cat "$out/run.oxi" >> "$out/$f.oxi"
    awk -v s="$(awk '{print $1}' "$out/run.sys")" -v o="$(awk '{print $1}' "$out/run.oxi")" \
      'BEGIN { if (s > 0) printf "%.4f\n", o / s }' >> "$out/$f.ratio"
  done
  unit=$(awk 'NR==1{print $2}' "$out/$f.sys")
  s=$(awk '{print $1}' "$out/$f.sys" | median)
  o=$(awk '{print $1}' "$out/$f.oxi" | median)
  # A pair of runs has each library once on each core: the geometric mean of its two
  # ratios cancels a difference in speed between the cores (seen here: up to 2x).
  r=$(awk '{a[NR]=$1} END {for (i = 1; i + 1 <= NR; i += 2) print sqrt(a[i] * a[i + 1]); if (NR == 1) print a[1]}' \
      "$out/$f.ratio" | median | awk '{printf "%.2f", $1}')
  printf "%-26s %14s %14s %8s  %s\n" "$f" "$s" "$o" "$r" "$unit"
  if [ "${f#memory}" != "$f" ]; then
    s2=$(awk '{print $3}' "$out/$f.sys" | median); o2=$(awk '{print $3}' "$out/$f.oxi" | median)
    r2=$(awk -v s="$s2" -v o="$o2" 'BEGIN { if (s > 0) printf "%.2f", o / s; else print "-" }')
    printf "%-26s %14s %14s %8s  %s\n" "$f (rss)" "$s2" "$o2" "$r2" "KiB/pair-rss"
  fi
done
