# Sourced after lib.sh by dovecot.sh, openvpn.sh, unbound.sh, ruby.sh and php.sh (named
# .bash, not .sh: the Makefile runs every tests/programs/*.sh but lib.sh as a test): the
# helpers for running one program on the system libssl (the OpenSSL 3.0 baseline) and on
# oxissl through LD_LIBRARY_PATH and LD_PRELOAD, and comparing what each run observed.
#
#   need_packages PKG:FILE…   apt-get install (noninteractive, service starts denied) each
#                             PKG whose FILE is missing; prints how long it took
#   MODES                     (system path preload); inmode, modeenv, launch, stop, label,
#                             flat, libs_check come from lib.sh
#   wait_listen PORT [PID]    TCP listener on 127.0.0.1:PORT (read from /proc/net/tcp)
#   wait_listen_udp PORT [PID]
#   libs_line NAME MODE PID   the ok/bad line for libs_check MODE PID
#   hold_maps NAME MODE DIR   for a short-lived client that writes DIR/pid and then waits
#                             for DIR/go: check its maps, then let it go on
#   record KEY VALUE / record_lines KEY   observations of the current $MODE
#   compare NAME              each oxissl run's observations equal the baseline's
#   lib_unchanged             a FAIL line if the library was rebuilt during the run
export LC_ALL=C
MODES=(system path preload)
LIB_STAMP=$(stat -c %Y.%s "$OXLIB_REAL")

. "$(dirname "${BASH_SOURCE[0]}")/packages.bash"



# listening PORT [tcp|udp]: a socket bound to 127.0.0.1:PORT (TCP: listening), from /proc
listening() {
    local hex st=0A f=/proc/net/tcp
    hex=$(printf '%04X' "$1")
    [ "${2:-tcp}" = udp ] && { st=07; f=/proc/net/udp; }
    awk -v p=":$hex" -v st="$st" '$4 == st && substr($2, length($2) - 4) == p {f=1} END {exit !f}' "$f"
}
wait_listen() {
    local i
    for i in $(seq 200); do
        listening "$1" "${3:-tcp}" && return 0
        [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null && return 1
        sleep 0.05
    done
    return 1
}
wait_listen_udp() { wait_listen "$1" "${2:-}" udp; }

# new_port VAR: a free port not handed out before in this run
USED_PORTS=" "
new_port() {
    local p
    while :; do p=$(free_port); [[ $USED_PORTS == *" $p "* ]] || break; done
    USED_PORTS+="$p "
    printf -v "$1" %s "$p"
}

libs_line() {
    local what="the system libssl"
    [ "$2" = system ] || what=oxissl
    if libs_check "$2" "$3" 2>"$WORK/maps.err"; then ok "$1: PID $3 has $what mapped"
    else bad "$1: PID $3 has $what mapped" "$(cat "$WORK/maps.err") mapped: $(awk '$6 ~ /libssl/ {print $6}' "/proc/$3/maps" 2>/dev/null | sort -u | tr '\n' ' ')"; fi
}

# hold_maps NAME MODE DIR BGPID: a client told to write its PID to DIR/pid and then wait for
# DIR/go (up to 20 s) before it exits: check its maps while it waits, then release it
hold_maps() {
    local name=$1 m=$2 dir=$3 bg=$4 i
    for i in $(seq 1200); do
        [ -s "$dir/pid" ] && break
        kill -0 "$bg" 2>/dev/null || break
        sleep 0.05
    done
    if [ -s "$dir/pid" ]; then
        libs_line "$name" "$m" "$(cat "$dir/pid")"
    else
        bad "$name: the client's libssl" "it ended before it wrote its PID"
    fi
    touch "$dir/go"
}

record() { printf '%s\t%s\n' "$1" "$2" >>"$WORK/obs.$MODE"; }
record_lines() { local l; while IFS= read -r l; do record "$1" "$l"; done; }
# compare NAME: every oxissl mode's observations equal the baseline's
compare() {
    local m d
    for m in path preload; do
        [ -s "$WORK/obs.$m" ] || { bad "$1 on oxissl ($m): observations" "none recorded"; continue; }
        d=$(diff <(sort "$WORK/obs.system") <(sort "$WORK/obs.$m") | grep '^[<>]')
        if [ -z "$d" ]; then ok "$1 on oxissl ($m): same observations as the system libssl ($(wc -l <"$WORK/obs.$m") lines)"
        else bad "$1 on oxissl ($m): same observations as the system libssl" \
            $'\n'"$(sed 's/^</        system:/; s/^>/        oxissl:/' <<<"$d")"; fi
    done
}
lib_unchanged() {
    [ "$(stat -c %Y.%s "$OXLIB_REAL" 2>/dev/null)" = "$LIB_STAMP" ] ||
        bad "$OXLIB unchanged during the run" "it was rebuilt while the tests ran: run them again"
}
# no_trouble NAME FILE…: no Rust panic and no "not supported by oxissl" in the files
no_trouble() {
    local name=$1 e; shift
    e=$(cat "$@" 2>/dev/null | grep -E 'panicked at|not supported by oxissl|Segmentation fault|core dumped' | sort -u | head -3)
    if [ -z "$e" ]; then ok "$name: no panic, crash or 'not supported by oxissl' in the output"
    else bad "$name: no panic, crash or 'not supported by oxissl'" "$(flat "$e")"; fi
}
