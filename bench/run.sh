#!/usr/bin/env bash
# make bench: every figure for the system libssl and for oxissl, alternating runs,
# medians, ratios (oxissl / OpenSSL; for memory lower is better) and the CPU model.
#   bench/run.sh [--runs N] [--seconds S] [--quick]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=5
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

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(nproc) cores)"
echo "runs: $runs alternating (system, oxissl), ${secs}s each; medians"
printf "%-26s %14s %14s %8s  %s\n" figure OpenSSL-3.0 oxissl ratio unit
for f in $figures; do
  : > "$out/$f.sys"; : > "$out/$f.oxi"
  for _ in $(seq "$runs"); do
    "$out/bench" "$certs" "$f" "$secs" >> "$out/$f.sys"
    LD_LIBRARY_PATH="$lib" "$out/bench" "$certs" "$f" "$secs" >> "$out/$f.oxi"
  done
  unit=$(awk 'NR==1{print $2}' "$out/$f.sys")
  s=$(awk '{print $1}' "$out/$f.sys" | median)
  o=$(awk '{print $1}' "$out/$f.oxi" | median)
  r=$(awk -v s="$s" -v o="$o" 'BEGIN { if (s > 0) printf "%.2f", o / s; else print "-" }')
  printf "%-26s %14s %14s %8s  %s\n" "$f" "$s" "$o" "$r" "$unit"
  if [ "${f#memory}" != "$f" ]; then
    s2=$(awk '{print $3}' "$out/$f.sys" | median); o2=$(awk '{print $3}' "$out/$f.oxi" | median)
    r2=$(awk -v s="$s2" -v o="$o2" 'BEGIN { if (s > 0) printf "%.2f", o / s; else print "-" }')
    printf "%-26s %14s %14s %8s  %s\n" "$f (rss)" "$s2" "$o2" "$r2" "KiB/pair-rss"
  fi
done
