#!/usr/bin/env bash
# `COND && ok ... || bad ...` is safe here (ok always succeeds); tr's ' \\' is a set.
# shellcheck disable=SC2015,SC1003
# tests/install/run.sh (make package-test): oxissl as operators install it.
#
#   make deb        the package builds, is named oxissl_VERSION_ARCH.deb, its Depends hold
#                   libssl3/libc6/libgcc-s1 and resolve on this system (apt-get -s), lintian
#                   reports no error and only the warnings README.md lists, no library lies
#                   on the loader's search path and there is no ld.so.conf.d entry
#   dpkg --root     installed into a scratch root with its own dpkg database (target/
#                   package-test/root), file list as packaged; everything below uses the
#                   installed files only:
#     pkg-config    compiles a C TLS client (tests/install/client.c) against the installed
#                   header (gcc -M shows it) and links the installed library: it runs, without
#                   LD_LIBRARY_PATH, on the scratch root's libssl.so.3 (its /proc/self/maps)
#                   against an `openssl s_server` on the system libssl
#     with-oxissl   `with-oxissl curl` fetches from that server; --verbose names the scratch
#                   library and OXISSL_LOG=info shows oxissl's handshake in curl
#     oxissl-enable a unit in a scratch systemd directory (ExecStart /usr/sbin/nginx): the
#                   drop-in's Environment= is accepted by systemd-analyze verify (with the
#                   environment systemd parsed), nginx started from the unit's ExecStart under
#                   that environment serves TLS on the scratch libssl.so.3 (maps of master and
#                   worker), oxissl-status lists it (and not the s_server on the system libssl)
#                   and the unit; refusals (no unit, missing binary, setuid copy, file
#                   capabilities, a gcc -static binary) exit non-zero with one line on stderr
#                   and write nothing; oxissl-disable removes the drop-in and its directory
#     dpkg --purge  leaves nothing but the scratch dpkg database
#   make install    DESTDIR=... PREFIX=/usr/local: the layout, the installed with-oxissl finds
#                   its library without environment; make uninstall leaves nothing
#
# Prints PASS/FAIL lines and a count; exits non-zero on any failure. KEEP=1 keeps the
# scratch directory (target/package-test).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=tests/programs/packages.bash
. "$ROOT/tests/programs/packages.bash"
T0=$SECONDS
export LC_ALL=C

pass=0 failed=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
bad() { echo "FAIL: $1${2:+ -- $2}"; failed=$((failed + 1)); }
# check NAME CMD...: PASS when CMD succeeds.
check() { local n=$1; shift; if "$@" >/dev/null 2>&1; then ok "$n"; else bad "$n" "failed: $*"; fi; }

need_packages dpkg-dev:/usr/bin/dpkg-shlibdeps lintian:/usr/bin/lintian pkg-config:/usr/bin/pkg-config \
    nginx-light:/usr/sbin/nginx curl:/usr/bin/curl libc6-dev:/usr/include/stdio.h \
    libssl-dev:/usr/include/openssl/sslerr.h
# systemd-analyze checks the drop-in the way systemd reads it; without systemd (CI's
# container), only the drop-in's syntax is checked.
( need_packages systemd:/usr/bin/systemd-analyze ) || echo "note: systemd could not be installed" >&2

W=$ROOT/target/package-test
rm -rf "$W"
mkdir -p "$W/bin"
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ -n "${KEEP:-}" ]; then echo "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT

# free_port, wait_port, nginx_scratch_http
# shellcheck source=tests/programs/net.bash
. "$ROOT/tests/programs/net.bash"
sys_env() { env -u LD_LIBRARY_PATH -u LD_PRELOAD -u OXISSL_LIB -u OXISSL_LOG -u OPENSSL_CONF "$@"; }
# libssl_of PID: the libssl files PID maps, one a line.
libssl_of() { awk '$6 ~ /libssl[^\/]*\.so/ {print $6}' "/proc/$1/maps" 2>/dev/null | sort -u; }
SYSLIB=$(readlink -f "$(ldconfig -p | awk '$1 == "libssl.so.3" && $NF ~ /^\// {print $NF; exit}')")
[ -f "$SYSLIB" ] || { echo "no system libssl.so.3" >&2; exit 2; }

CERTS=$ROOT/target/c-tests/certs
"$ROOT/c-tests/certs.sh" "$CERTS" >/dev/null 2>&1 || { echo "c-tests/certs.sh failed" >&2; exit 2; }

version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -n 1)
arch=$(dpkg --print-architecture)
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
DEB=$ROOT/target/deb/oxissl_${version}_$arch.deb

# ---- the package ----------------------------------------------------------------------------
echo "== make deb"
rm -f "$DEB"
if make -s deb > "$W/deb.log" 2>&1 && [ -f "$DEB" ]; then ok "make deb: $(basename "$DEB")"
else bad "make deb" "$(tail -n 5 "$W/deb.log")"; echo "$failed failed"; exit 1; fi

dpkg-deb -f "$DEB" Depends > "$W/depends"
for p in libssl3 libc6 libgcc-s1 python3 binutils; do
    grep -Eq "(^|, )$p( |,|$)" "$W/depends" || bad "Depends names $p" "$(cat "$W/depends")"
done
ok "Depends: $(cat "$W/depends")"
check "apt-get -s install ./$(basename "$DEB"): the Depends resolve here" \
    apt-get -s -o Debug::NoLocking=1 install "$DEB"

dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|; s|/$||' | grep -v '^$' | sort > "$W/deb.files"
if grep -q '^/etc/ld.so.conf' "$W/deb.files"; then bad "no ld.so.conf.d entry" "$(grep ld.so "$W/deb.files")"
else ok "no ld.so.conf.d entry"; fi
# Every shared object is in the private oxissl directory, none in a directory the loader searches.
stray=$(grep -E '\.so(\.[0-9]+)*$' "$W/deb.files" | grep -v "^/usr/lib/$ma/oxissl/" || true)
if [ -z "$stray" ] && grep -qx "/usr/lib/$ma/oxissl/libssl.so.3" "$W/deb.files"; then
    ok "the library is only in /usr/lib/$ma/oxissl (not on the loader's path)"
else bad "the library is only in /usr/lib/$ma/oxissl" "stray: ${stray:-none}"; fi
for f in /usr/share/doc/oxissl/copyright /usr/share/doc/oxissl/changelog.gz "/usr/lib/$ma/pkgconfig/oxissl.pc" \
         /usr/include/oxissl/openssl/ssl.h "/usr/lib/$ma/oxissl/oxissl-unsupported.txt" \
         /usr/bin/with-oxissl /usr/bin/oxissl-check /usr/bin/oxissl-enable /usr/bin/oxissl-disable /usr/bin/oxissl-status \
         /usr/share/man/man1/with-oxissl.1.gz /usr/share/man/man1/oxissl-check.1.gz /usr/share/man/man1/oxissl-enable.1.gz \
         /usr/share/man/man1/oxissl-disable.1.gz /usr/share/man/man1/oxissl-status.1.gz; do
    grep -qxF "$f" "$W/deb.files" || bad "the package holds $f"
done
ok "the package holds the commands, man pages, header, oxissl.pc, copyright, changelog ($(wc -l < "$W/deb.files") entries)"

echo "== lintian"
lintian --info "$DEB" > "$W/lintian.out" 2>&1 || true
{ grep -v 'running with root privileges' "$W/lintian.out" || echo "(no tag)"; } | sed 's/^/  /'
errors=$(grep -c '^E: ' "$W/lintian.out" || true)
if [ "$errors" -eq 0 ]; then ok "lintian: no error"; else bad "lintian: $errors error(s)"; fi
# Each warning left must be listed in README.md (Install) with its reason.
readme_ok=1
while read -r tag; do
    [ -n "$tag" ] || continue
    grep -qF "\`$tag\`" README.md || { readme_ok=0; bad "lintian warning $tag is listed in README.md"; }
done < <(sed -n 's/^W: oxissl[^:]*: \([a-z0-9-]*\).*/\1/p' "$W/lintian.out" | sort -u)
[ "$readme_ok" = 0 ] || ok "lintian: every warning ($(grep -c '^W: ' "$W/lintian.out" || true)) is listed in README.md"

# ---- installed into a scratch root ------------------------------------------------------------
echo "== dpkg --root"
R=$W/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/triggers"
touch "$R/var/lib/dpkg/status"
# The scratch database has none of the dependencies (they are on this system, checked above).
if dpkg --root="$R" --force-depends -i "$DEB" > "$W/dpkg-i.log" 2>&1; then ok "dpkg --root install"
else bad "dpkg --root install" "$(tail -n 3 "$W/dpkg-i.log")"; fi
dpkg --root="$R" -L oxissl | grep -vx '/\.' | sort > "$W/installed.files"
if diff <(sed 's|/$||' "$W/deb.files" | grep -vx '/\.*') "$W/installed.files" > "$W/files.diff"; then
    ok "dpkg -L lists the packaged files ($(wc -l < "$W/installed.files"))"
else bad "dpkg -L lists the packaged files" "$(head -n 5 "$W/files.diff")"; fi
OXDIR=$R/usr/lib/$ma/oxissl
OXLIB=$(readlink -f "$OXDIR/libssl.so.3")
BIN=$R/usr/bin

# A server on the system libssl for the clients below.
PORT=$(free_port)
sys_env openssl s_server -www -accept "$PORT" -cert "$CERTS/server-rsa.pem" -key "$CERTS/server-rsa.key" \
    -quiet > "$W/s_server.log" 2>&1 < /dev/null &
SPID=$!
PIDS+=("$SPID")
wait_port "$PORT" || bad "openssl s_server on port $PORT" "$(cat "$W/s_server.log")"

echo "== pkg-config and a C client"
PC=(env PKG_CONFIG_PATH="$R/usr/lib/$ma/pkgconfig" pkg-config --define-variable=prefix="$R/usr")
if flags=$("${PC[@]}" --cflags --libs oxissl 2>&1); then ok "pkg-config --cflags --libs oxissl: $flags"
else bad "pkg-config oxissl" "$flags"; flags=; fi
# shellcheck disable=SC2206 # pkg-config's output is a list of words
fl=($flags)
if [ "${fl[0]:-}" = "-I$R/usr/include/oxissl" ]; then ok "our header directory comes first"
else bad "our header directory comes first" "$flags"; fi
sys_env gcc -M "${fl[@]}" tests/install/client.c 2>/dev/null | tr -s ' \\' '\n' > "$W/client.deps" || true
if grep -qxF "$R/usr/include/oxissl/openssl/ssl.h" "$W/client.deps"; then
    ok "the client compiles against the installed openssl/ssl.h"
else bad "the client compiles against the installed openssl/ssl.h" "gcc -M does not list it"; fi
if sys_env gcc -Wall -Werror -o "$W/client" tests/install/client.c "${fl[@]}" > "$W/cc.log" 2>&1; then
    ok "the client builds with pkg-config's flags"
    out=$(sys_env "$W/client" "$PORT" "$CERTS/ca.pem" 2>&1) || true
    printf '  %s\n' "$out"
    libs=$(sed -n 's/^libssl: //p' <<<"$out" | xargs -r -n1 readlink -f | sort -u)
    if grep -q '^protocol TLSv1' <<<"$out" && [ "$libs" = "$OXLIB" ]; then
        ok "the client runs on the installed libssl.so.3 without LD_LIBRARY_PATH (RUNPATH)"
    else bad "the client runs on the installed libssl.so.3" "mapped: ${libs:-none}; $out"; fi
else bad "the client builds with pkg-config's flags" "$(tail -n 5 "$W/cc.log")"; fi

echo "== with-oxissl curl (installed copy)"
out=$(sys_env OXISSL_LOG=info "$BIN/with-oxissl" --verbose curl -sS --cacert "$CERTS/ca.pem" \
    "https://localhost:$PORT/" 2>"$W/curl.err" > "$W/curl.body"; echo "exit $?")
sed 's/^/  /' "$W/curl.err" | head -n 5
if [ "$out" = "exit 0" ] && grep -q 'Ciphers supported in s_server' "$W/curl.body"; then ok "curl fetched the page"
else bad "curl fetched the page" "$out: $(head -c 300 "$W/curl.err")"; fi
if grep -qF "with-oxissl: $OXDIR/libssl.so.3 via LD_LIBRARY_PATH" "$W/curl.err" ||
   grep -qF "with-oxissl: $OXLIB via LD_LIBRARY_PATH" "$W/curl.err"; then
    ok "the installed with-oxissl found the installed library without environment"
else bad "the installed with-oxissl found the installed library" "$(head -n 1 "$W/curl.err")"; fi
if grep -Eq '^oxissl\[[0-9]+\]: handshake done: client .*verify result 0' "$W/curl.err"; then
    ok "curl's handshake ran on oxissl (OXISSL_LOG)"
else bad "curl's handshake ran on oxissl" "no oxissl handshake line"; fi

# ---- oxissl-enable / status / disable -------------------------------------------------------
echo "== oxissl-enable, oxissl-status, oxissl-disable"
S=$W/sysroot
UD=$S/etc/systemd/system
mkdir -p "$UD" "$W/nginx/tmp" "$W/nginx/logs"
NPORT=$(free_port)
user=
[ "$(id -u)" -eq 0 ] && user="user $(id -un) $(id -gn);"
cat > "$W/nginx/nginx.conf" <<CONF
$user
daemon off;
master_process on;
worker_processes 1;
pid $W/nginx/nginx.pid;
error_log $W/nginx/logs/error.log info;
events { worker_connections 64; }
http {
    access_log off;
$(nginx_scratch_http "$W/nginx")
    server {
        listen 127.0.0.1:$NPORT ssl;
        ssl_certificate $CERTS/server-rsa.pem;
        ssl_certificate_key $CERTS/server-rsa.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / { return 200 "nginx \$ssl_protocol\n"; }
    }
}
CONF
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
unit() {  # unit NAME EXECSTART: a service file in the scratch systemd directory
    printf '[Unit]\nDescription=oxissl package test %s\n\n[Service]\nExecStart=%s\n\n[Install]\nWantedBy=multi-user.target\n' \
        "$1" "$2" > "$UD/$1.service"
}
unit oxtest-nginx "$NGINX -p $W/nginx -c $W/nginx/nginx.conf"
tree_before=$(find "$S" | sort)

if "$BIN/oxissl-enable" --root "$S" oxtest-nginx > "$W/enable.out" 2>&1; then ok "oxissl-enable oxtest-nginx"
else bad "oxissl-enable oxtest-nginx" "$(cat "$W/enable.out")"; fi
sed 's/^/  /' "$W/enable.out"
DROPIN=$UD/oxtest-nginx.service.d/oxissl.conf
if [ -f "$DROPIN" ] && grep -qx '\[Service\]' "$DROPIN"; then ok "the drop-in $DROPIN has a [Service] section"
else bad "the drop-in is written"; fi
grep -q 'systemctl daemon-reload && systemctl restart oxtest-nginx.service' "$W/enable.out" &&
    ok "oxissl-enable tells to run systemctl daemon-reload && systemctl restart" ||
    bad "oxissl-enable tells to run systemctl daemon-reload && systemctl restart"
# The Environment= lines, unquoted as systemd does for a whole-assignment quote.
mapfile -t ENVS < <(sed -n 's/^Environment=//p' "$DROPIN" 2>/dev/null | sed 's/^"\(.*\)"$/\1/')
want="LD_LIBRARY_PATH=$OXDIR"
if [ "${#ENVS[@]}" -eq 1 ] && [ "${ENVS[0]}" = "$want" ]; then ok "Environment=$want"
else bad "Environment=$want" "got: ${ENVS[*]:-nothing}"; fi
# what with-oxissl --print-env says is what the drop-in holds (one decision, one place)
pe=$(sys_env "$BIN/with-oxissl" --print-env "$NGINX" 2>&1 || true)
[ "$pe" = "${ENVS[0]:-}" ] && ok "with-oxissl --print-env nginx agrees: $pe" || bad "with-oxissl --print-env agrees" "$pe"

if command -v systemd-analyze >/dev/null 2>&1; then
    if SYSTEMD_LOG_LEVEL=debug SYSTEMD_UNIT_PATH="$UD:" systemd-analyze verify "$UD/oxtest-nginx.service" \
        > "$W/verify.out" 2>&1; then
        vrc=0; else vrc=$?; fi
    if [ "$vrc" -eq 0 ] && ! grep -q 'oxissl.conf:[0-9]' "$W/verify.out" &&
       grep -qF "DropIn Path: $DROPIN" "$W/verify.out" &&
       grep -qxF "		Environment: $want" "$W/verify.out"; then
        ok "systemd-analyze verify accepts the unit with the drop-in (Environment parsed as $want)"
    else bad "systemd-analyze verify" "exit $vrc: $(grep -E 'oxissl|Environment|DropIn' "$W/verify.out" | head -n 5)"; fi
else
    if awk 'NR > 2 && !/^(\[Service\]|Environment="[A-Z_]+=[^"]*")$/ {exit 1}' "$DROPIN"; then
        ok "the drop-in's syntax (no systemd-analyze here)"
    else bad "the drop-in's syntax" "$(cat "$DROPIN")"; fi
fi

# Run the unit's ExecStart as systemd would: a clean environment plus the drop-in's.
exec_start=$(sed -n 's/^ExecStart=//p' "$UD/oxtest-nginx.service")
# shellcheck disable=SC2086 # ExecStart is split into words as systemd does (no quotes in it)
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${ENVS[@]}" $exec_start > "$W/nginx/out.log" 2>&1 &
NPID=$!
PIDS+=("$NPID")
if wait_port "$NPORT"; then
    body=$(sys_env curl -sS --cacert "$CERTS/ca.pem" "https://localhost:$NPORT/" 2>&1 || true)
    [ "$body" = "nginx TLSv1.3" ] && ok "nginx from the unit serves TLS: $body" || bad "nginx serves TLS" "$body"
    sleep 0.3  # the worker
    WPID=$(ps -o pid= --ppid "$NPID" | head -n 1 | tr -d ' ' || true)
    for p in "$NPID" "$WPID"; do
        l=$(libssl_of "$p" | xargs -r -n1 readlink -f | sort -u)
        [ -n "$p" ] && [ "$l" = "$OXLIB" ] && ok "nginx process $p maps only the installed oxissl ($l)" ||
            bad "nginx process ${p:-?} maps the installed oxissl" "mapped: ${l:-none}"
    done
    sys_env "$BIN/oxissl-status" --root "$S" > "$W/status.out" 2>&1 || true
    sed 's/^/  /' "$W/status.out"
    if grep -Eq "^$NPID +nginx +$OXDIR/libssl.so.3\$" "$W/status.out" &&
       { [ -z "$WPID" ] || grep -Eq "^$WPID +nginx " "$W/status.out"; }; then
        ok "oxissl-status lists nginx ($NPID${WPID:+, $WPID}) with the library's path"
    else bad "oxissl-status lists nginx" "pid $NPID not found"; fi
    if grep -Eq "^$SPID " "$W/status.out"; then bad "oxissl-status does not list s_server (system libssl)"
    else ok "oxissl-status does not list s_server (system libssl, PID $SPID)"; fi
    grep -Eq "^  oxtest-nginx.service +LD_LIBRARY_PATH=$OXDIR" "$W/status.out" &&
        ok "oxissl-status lists the unit with its drop-in" || bad "oxissl-status lists the unit"
else
    bad "nginx from the unit starts" "$(tail -n 5 "$W/nginx/out.log" "$W/nginx/logs/error.log" 2>/dev/null)"
fi
kill "$NPID" 2>/dev/null || true
wait "$NPID" 2>/dev/null || true

# Refusals: exit non-zero, one line on stderr, nothing written under the scratch root.
refused() {  # refused NAME EXPECT-IN-MESSAGE UNIT
    local name=$1 expect=$2 u=$3 rc=0 tree
    tree=$(find "$S" | sort)
    sys_env "$BIN/oxissl-enable" --root "$S" "$u" > "$W/refuse.out" 2> "$W/refuse.err" || rc=$?
    local lines
    lines=$(wc -l < "$W/refuse.err")
    if [ "$rc" -ne 0 ] && [ "$lines" -eq 1 ] && grep -q -- "$expect" "$W/refuse.err" &&
       [ ! -s "$W/refuse.out" ] && [ "$(find "$S" | sort)" = "$tree" ] &&
       [ ! -e "$UD/$u.service.d" ]; then
        ok "refused, $name: exit $rc, $(cat "$W/refuse.err")"
    else
        bad "refused, $name" "exit $rc, $lines line(s): $(head -c 300 "$W/refuse.err")"
    fi
}
refused "no such unit" "no such unit" oxtest-nosuch
unit oxtest-missing "/nonexistent/bin/daemon --flag"
refused "binary missing" "missing" oxtest-missing
cp "$NGINX" "$W/bin/nginx-setuid"
chmod 4755 "$W/bin/nginx-setuid"
unit oxtest-setuid "$W/bin/nginx-setuid -c $W/nginx/nginx.conf"
refused "setuid binary" "setuid" oxtest-setuid
cp "$NGINX" "$W/bin/nginx-caps"
if command -v setcap >/dev/null 2>&1 && setcap cap_net_bind_service+ep "$W/bin/nginx-caps" 2>/dev/null; then
    unit oxtest-caps "$W/bin/nginx-caps -c $W/nginx/nginx.conf"
    refused "binary with file capabilities" "capabilities" oxtest-caps
else
    echo "note: setcap unavailable or refused here: the file-capabilities refusal is not tested"
fi
printf 'int main(void) { return 0; }\n' > "$W/static.c"
if gcc -static -o "$W/bin/static-daemon" "$W/static.c" 2> "$W/static.log"; then
    unit oxtest-static "$W/bin/static-daemon"
    refused "statically linked binary" "statically linked" oxtest-static
else bad "gcc -static" "$(head -n 3 "$W/static.log")"; fi
rc=0; sys_env "$BIN/oxissl-enable" --root "$S" oxtest-nginx.socket > /dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] && ok "refused, not a service (exit $rc)" || bad "refused, not a service"

if sys_env "$BIN/oxissl-disable" --root "$S" oxtest-nginx > "$W/disable.out" 2>&1 && [ ! -e "$DROPIN" ] &&
   [ ! -e "$UD/oxtest-nginx.service.d" ]; then ok "oxissl-disable removed the drop-in and its directory"
else bad "oxissl-disable" "$(cat "$W/disable.out")"; fi
rm -f "$UD"/oxtest-{missing,setuid,caps,static}.service
[ "$(find "$S" | sort)" = "$tree_before" ] && ok "the scratch systemd directory is as before oxissl-enable" ||
    bad "the scratch systemd directory is as before"
rc=0; sys_env "$BIN/oxissl-disable" --root "$S" oxtest-nginx > /dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] && ok "oxissl-disable without a drop-in: exit $rc" || bad "oxissl-disable without a drop-in"
sys_env "$BIN/oxissl-status" --root "$S" > "$W/status2.out" 2>&1 || true
grep -qx '  none' "$W/status2.out" && ok "oxissl-status: no unit left" || bad "oxissl-status: no unit left"

echo "== dpkg --purge"
if dpkg --root="$R" --purge oxissl > "$W/dpkg-P.log" 2>&1; then ok "dpkg --root --purge oxissl"
else bad "dpkg --purge" "$(tail -n 3 "$W/dpkg-P.log")"; fi
left=$(find "$R" -mindepth 1 -not -path "$R/var" -not -path "$R/var/lib" -not -path "$R/var/lib/dpkg" \
    -not -path "$R/var/lib/dpkg/*")
[ -z "$left" ] && ok "purge leaves nothing but the scratch dpkg database" || bad "purge leaves nothing" "$left"

# ---- make install / uninstall ---------------------------------------------------------------
echo "== make install / make uninstall"
D=$W/destdir
mkdir -p "$D"
if make -s install DESTDIR="$D" PREFIX=/usr/local > "$W/install.log" 2>&1; then ok "make install DESTDIR=... PREFIX=/usr/local"
else bad "make install" "$(tail -n 3 "$W/install.log")"; fi
for f in lib/oxissl/libssl.so.3 lib/oxissl/libssl.so lib/oxissl/oxissl-unsupported.txt include/oxissl/openssl/ssl.h \
         lib/pkgconfig/oxissl.pc bin/with-oxissl bin/oxissl-check bin/oxissl-enable bin/oxissl-disable bin/oxissl-status \
         share/man/man1/with-oxissl.1.gz share/man/man1/oxissl-status.1.gz; do
    [ -e "$D/usr/local/$f" ] || bad "make install wrote /usr/local/$f"
done
ok "make install wrote the layout ($(find "$D" -type f | wc -l) files)"
pe=$(sys_env "$D/usr/local/bin/with-oxissl" --print-env "$NGINX" 2>&1 || true)
[ "$pe" = "LD_LIBRARY_PATH=$D/usr/local/lib/oxissl" ] && ok "the make-installed with-oxissl finds its library: $pe" ||
    bad "the make-installed with-oxissl finds its library" "$pe"
v=$(sys_env "$D/usr/local/bin/oxissl-check" --quiet curl 2>&1 || true)
grep -q '^verdict: curl' <<<"$v" && ok "the make-installed oxissl-check runs: $v" || bad "the make-installed oxissl-check" "$v"
if make -s uninstall DESTDIR="$D" PREFIX=/usr/local > "$W/uninstall.log" 2>&1; then ok "make uninstall"
else bad "make uninstall" "$(tail -n 3 "$W/uninstall.log")"; fi
left=$(find "$D" -mindepth 1)
[ -z "$left" ] && ok "make uninstall leaves nothing (find prints nothing)" || bad "make uninstall leaves nothing" "$left"

[ -c /dev/null ] || bad "/dev/null is still a character device"
echo "package-test: $pass passed, $failed failed in $((SECONDS - T0)) s"
[ "$failed" -eq 0 ]
