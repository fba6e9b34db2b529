#!/usr/bin/env bash
# packaging/install.sh: installs (or uninstalls) oxissl's built files; used by `make install`,
# `make uninstall` and packaging/build-deb.sh, so that both lay out the same files.
#
# usage: packaging/install.sh install|uninstall [--destdir DIR] [--prefix DIR] [--libdir DIR]
#                                              [--no-manifest]
#
#   PREFIX/bin/{with-oxissl,oxissl-check,oxissl-enable,oxissl-disable,oxissl-status}
#   LIBDIR/oxissl/libssl.so.3 (stripped), libssl.so -> libssl.so.3, oxissl-unsupported.txt
#   PREFIX/include/oxissl/openssl/ssl.h
#   LIBDIR/pkgconfig/oxissl.pc
#   PREFIX/share/man/man1/*.1.gz
#
# LIBDIR defaults to PREFIX/lib. The library sits in a private directory (LIBDIR/oxissl) that
# the dynamic loader never searches by itself: installing changes no program's libssl. The
# installed commands find it through its path relative to theirs (filled in here), so
# DESTDIR-staged or relocated trees keep working.
#
# install records what it wrote, and the directories it had to create, in
# LIBDIR/oxissl/install-manifest (not with --no-manifest, for packages); uninstall removes
# exactly those, and the created directories once empty.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { echo "install.sh: $*" >&2; exit 1; }

action=${1:-}
[ "$action" = install ] || [ "$action" = uninstall ] || die "usage: install.sh install|uninstall [--destdir DIR] [--prefix DIR] [--libdir DIR] [--no-manifest]"
shift
destdir='' prefix=/usr/local libdir='' manifest=1
while [ $# -gt 0 ]; do
    case $1 in
        --destdir) destdir=$2; shift 2 ;;
        --prefix) prefix=$2; shift 2 ;;
        --libdir) libdir=$2; shift 2 ;;
        --no-manifest) manifest=0; shift ;;
        *) die "unknown argument $1" ;;
    esac
done
[ -n "$libdir" ] || libdir=$prefix/lib
case $prefix$libdir in *'|'*|*' '*) die "paths with '|' or spaces are not supported" ;; esac
case $prefix in /*) ;; *) die "--prefix must be absolute" ;; esac
case $libdir in /*) ;; *) die "--libdir must be absolute" ;; esac
bindir=$prefix/bin
oxdir=$libdir/oxissl
incdir=$prefix/include/oxissl
pcdir=$libdir/pkgconfig
man1dir=$prefix/share/man/man1
COMMANDS=(with-oxissl oxissl-check oxissl-enable oxissl-disable oxissl-status)
MANIFEST=$oxdir/install-manifest

# ---- uninstall ------------------------------------------------------------------------------
if [ "$action" = uninstall ]; then
    m=$destdir$MANIFEST
    if [ -f "$m" ]; then
        # Files and links first (the manifest last), then the directories install created,
        # deepest first.
        dirs=$(awk '$1 == "d" {print $2}' "$m" | sort -r)
        while read -r kind path; do
            case $kind in f|l) [ "$path" = "$MANIFEST" ] || rm -f -- "$destdir$path" ;; esac
        done < "$m"
        rm -f -- "$m"
        for d in $dirs; do
            [ -d "$destdir$d" ] && rmdir --ignore-fail-on-non-empty -- "$destdir$d"
        done
    else
        echo "install.sh: no $m: removing the files an install writes" >&2
        for c in "${COMMANDS[@]}"; do rm -f -- "$destdir$bindir/$c" "$destdir$man1dir/$c.1.gz"; done
        rm -f -- "$destdir$oxdir/libssl.so.3" "$destdir$oxdir/libssl.so" "$destdir$oxdir/oxissl-unsupported.txt" \
            "$destdir$incdir/openssl/ssl.h" "$destdir$pcdir/oxissl.pc"
        for d in "$oxdir" "$incdir/openssl" "$incdir"; do
            [ -d "$destdir$d" ] && rmdir --ignore-fail-on-non-empty -- "$destdir$d"
        done
    fi
    echo "uninstalled oxissl from $destdir$prefix"
    exit 0
fi

# ---- install --------------------------------------------------------------------------------
OUT=$ROOT/target/release
for f in "$OUT/libssl.so.3" "$OUT/oxissl-unsupported.txt" "$ROOT/include/openssl/ssl.h"; do
    [ -f "$f" ] || die "$f is missing: run \`make lib\` first"
done
version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -n 1)
[ -n "$version" ] || die "no version in Cargo.toml"

records=()
# mkdirs DIR: create DIR (under DESTDIR) and record the directories that did not exist.
mkdirs() {
    local d=$1 missing=()
    while [ "$d" != / ] && [ ! -d "$destdir$d" ]; do missing=("$d" "${missing[@]}"); d=$(dirname "$d"); done
    for d in "${missing[@]}"; do
        install -d -m 755 "$destdir$d"
        records+=("d $d")
    done
}
# put MODE SRC DEST: install a file (DEST without DESTDIR).
put() {
    install -m "$1" "$2" "$destdir$3"
    records+=("f $3")
}

for d in "$bindir" "$oxdir" "$incdir/openssl" "$pcdir" "$man1dir"; do mkdirs "$d"; done

# The library, stripped as Debian's dh_strip does (the build keeps its debug information).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
strip --remove-section=.comment --remove-section=.note --strip-unneeded \
    -o "$tmp/libssl.so.3" "$OUT/libssl.so.3"
put 644 "$tmp/libssl.so.3" "$oxdir/libssl.so.3"
ln -sfn libssl.so.3 "$destdir$oxdir/libssl.so"
records+=("l $oxdir/libssl.so")
put 644 "$OUT/oxissl-unsupported.txt" "$oxdir/oxissl-unsupported.txt"

# The commands, told where the library is relative to them.
rel=$(realpath -m --relative-to="$bindir" "$oxdir")
sed "s|^installed_libdir=\$|installed_libdir=$rel|" "$ROOT/tools/with-oxissl" > "$tmp/with-oxissl"
sed "s|^INSTALLED_LIBDIR = \"\"\$|INSTALLED_LIBDIR = \"$rel\"|" "$ROOT/tools/oxissl-check" > "$tmp/oxissl-check"
grep -qx "installed_libdir=$rel" "$tmp/with-oxissl" || die "tools/with-oxissl: no installed_libdir= line to fill in"
grep -qx "INSTALLED_LIBDIR = \"$rel\"" "$tmp/oxissl-check" || die "tools/oxissl-check: no INSTALLED_LIBDIR line to fill in"
cp "$ROOT/tools/oxissl-enable" "$ROOT/tools/oxissl-disable" "$ROOT/tools/oxissl-status" "$tmp/"
for c in "${COMMANDS[@]}"; do put 755 "$tmp/$c" "$bindir/$c"; done

put 644 "$ROOT/include/openssl/ssl.h" "$incdir/openssl/ssl.h"

# pkg-config: our header directory first (ssl.h includes the system's other OpenSSL headers,
# from libssl-dev), our library with a RUNPATH to its private directory, the system's
# libcrypto. No Requires: libcrypto, so that --define-variable=prefix=... relocates only ours.
pc_libdir=$libdir
case $libdir in "$prefix"/*) pc_libdir="\${prefix}${libdir#"$prefix"}" ;; esac
cat > "$tmp/oxissl.pc" <<PC
prefix=$prefix
libdir=$pc_libdir
oxissldir=\${libdir}/oxissl
includedir=\${prefix}/include/oxissl

Name: oxissl
Description: oxissl's libssl.so.3 (OpenSSL 3 API on rustls) and its openssl/ssl.h
Version: $version
Cflags: -I\${includedir}
Libs: -L\${oxissldir} -Wl,-rpath,\${oxissldir} -lssl -lcrypto
PC
put 644 "$tmp/oxissl.pc" "$pcdir/oxissl.pc"

for c in "${COMMANDS[@]}"; do
    gzip -9n < "$ROOT/man/$c.1" > "$tmp/$c.1.gz"
    put 644 "$tmp/$c.1.gz" "$man1dir/$c.1.gz"
done

if [ "$manifest" = 1 ]; then
    records+=("f $MANIFEST")
    printf '%s\n' "${records[@]}" > "$destdir$MANIFEST"
    chmod 644 "$destdir$MANIFEST"
fi
echo "installed oxissl $version in $destdir$prefix (library: $oxdir)"
