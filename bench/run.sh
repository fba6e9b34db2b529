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
cc -O2 -pthread -o "$out/bench" "$top/bench/bench.c" -lssl -lcrypto -ldl
cc -O2 -shared -fPIC -o "$out/lockcount.so" "$top/bench/lockcount.c" -ldl -lpthread
lib="$top/target/release"
figures="full-tls13-p256 full-tls13-rsa2048 full-tls12-ecdsa-aes128 resumed-tls13-ticket resumed-tls12-id resumed-tls12-ticket bulk-aes128-16k bulk-aes256-16k bulk-chacha-16k bulk-aes128-1k bulk-aes256-1k bulk-chacha-1k tcp-tls13-p256 memory-1000 memory-10000"

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# Single-threaded figures run as baton pairs (`bench --pair`): the system library and
# oxissl run at the same time, handing a baton back and forth so that only one runs at
# any moment, 50 ms of CPU time each, and each is timed by its own CPU time. Both see the
# same moments of this shared machine, whose speed drifts by tens of percent from one
# second to the next. Who starts and which core alternate between runs. (Two earlier
# methods were dropped: running them at the same time on the two vCPUs, which interfere
# with each other and overstated some ratios by up to a third, and letting the scheduler
# interleave them on one core, which gave somewhat lower ratios than running alone.)
# The loopback TCP figure uses every core, so it alternates runs instead; memory is not
# timed.
paired=0  # pin each pair to one core (alternating) when taskset is there
command -v taskset >/dev/null && paired=1

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(nproc) cores)"
echo "runs: $runs of ${secs}s; single-threaded figures as baton pairs timed by CPU time, others alternating; medians (ratio: median of the runs' ratios)"
printf "%-26s %14s %14s %8s  %s\n" figure OpenSSL-3.0 oxissl ratio unit
for f in $figures; do
  : > "$out/$f.sys"; : > "$out/$f.oxi"; : > "$out/$f.ratio"
  for i in $(seq "$runs"); do
    if [ "${f#tcp}" = "$f" ] && [ "${f#memory}" = "$f" ]; then
      pin=""
      [ "$paired" = 1 ] && pin="taskset -c $(((i / 2) % $(nproc)))"
      if [ $((i % 2)) = 1 ]; then first="BENCH_OXI_FIRST=1"; else first="BENCH_SYS_FIRST=1"; fi
      env $first $pin "$out/bench" --pair "$lib" "$certs" "$f" "$secs" > "$out/run.pair"
      sed -n 's/^sys //p' "$out/run.pair" > "$out/run.sys"
      sed -n 's/^oxi //p' "$out/run.pair" > "$out/run.oxi"
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
  r=$(median < "$out/$f.ratio" | awk '{printf "%.2f", $1}')
  printf "%-26s %14s %14s %8s  %s\n" "$f" "$s" "$o" "$r" "$unit"
  if [ "${f#memory}" != "$f" ]; then
    s2=$(awk '{print $3}' "$out/$f.sys" | median); o2=$(awk '{print $3}' "$out/$f.oxi" | median)
    r2=$(awk -v s="$s2" -v o="$o2" 'BEGIN { if (s > 0) printf "%.2f", o / s; else print "-" }')
    printf "%-26s %14s %14s %8s  %s\n" "$f (rss)" "$s2" "$o2" "$r2" "KiB/pair-rss"
  fi
done

# Lock acquisitions per client+server handshake pair, in the steady state (after 20
# handshakes, over 200): pthread rwlocks and mutexes counted by bench/lockcount.c
# (LD_PRELOAD) by the library that takes them (libcrypto; for OpenSSL its libssl, for
# oxissl the aws-lc code linked into its libssl), and oxissl's own locks on state shared
# between connections (a library built with the lock-stats feature: make lockstats-lib).
# Counts, not times: the same in every run. LOCKCOUNT_WHERE=1 names the sources.
lslib="$top/target/lockstats/release"
echo
echo "locks per handshake pair (read/write/mutex acquisitions)"
printf "%-24s %16s %16s   %16s %16s %14s\n" figure "OpenSSL:crypto" "OpenSSL:libssl" "oxissl:crypto" "oxissl:aws-lc" "oxissl:shared"
for f in full-tls13-p256 full-tls13-rsa2048 full-tls12-ecdsa-aes128 resumed-tls13-ticket resumed-tls12-id resumed-tls12-ticket; do
  s=$(LD_PRELOAD="$out/lockcount.so" "$out/bench" "$certs" "locks-$f" 1)
  o=$(LD_PRELOAD="$out/lockcount.so" LD_LIBRARY_PATH="$lslib" "$out/bench" "$certs" "locks-$f" 1)
  set -- $s; s1="$1/$2/$3"; s2="$4/$5/$6"
  set -- $o; o1="$1/$2/$3"; o2="$4/$5/$6"; o3="$7/$8/-"
  printf "%-24s %16s %16s   %16s %16s %14s\n" "$f" "$s1" "$s2" "$o1" "$o2" "$o3"
done

# Scaling: handshakes/s on 1 and on N threads (N = cores) sharing one client and one
# server context, wall clock, each library alone on the machine; median of the runs.
# The target: N-thread rate >= 0.95 x N x the 1-thread rate.
n=$(nproc)
srun=$(( runs < 3 ? runs : 3 ))
echo
echo "scaling, $n cores ($srun runs of ${secs}s+1s each, medians)"
printf "%-24s %-8s %12s %12s %12s\n" figure library 1-thread "$n-thread" "ratio/$n"
for f in scale-full-tls13-p256 scale-resumed-tls12-id; do
  for l in sys oxi; do
    : > "$out/$f.$l.1"; : > "$out/$f.$l.n"
    for i in $(seq "$srun"); do
      for t in 1 "$n"; do
        tag=1; [ "$t" = 1 ] || tag=n
        if [ "$l" = sys ]; then "$out/bench" "$certs" "$f-$t" "$(awk -v s="$secs" 'BEGIN{print s+1}')"
        else LD_LIBRARY_PATH="$lib" "$out/bench" "$certs" "$f-$t" "$(awk -v s="$secs" 'BEGIN{print s+1}')"; fi \
          | awk '{print $1}' >> "$out/$f.$l.$tag"
      done
    done
    one=$(median < "$out/$f.$l.1"); many=$(median < "$out/$f.$l.n")
    name=OpenSSL; [ "$l" = oxi ] && name=oxissl
    printf "%-24s %-8s %12s %12s %12s\n" "$f" "$name" "$one" "$many" \
      "$(awk -v a="$one" -v b="$many" -v n="$n" 'BEGIN { if (a > 0) printf "%.2f", b / a / n }')"
  done
done
