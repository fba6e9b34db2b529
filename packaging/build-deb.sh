#!/usr/bin/env bash
# packaging/build-deb.sh: builds target/deb/oxissl_VERSION_ARCH.deb from the built library
# (make lib) with dpkg-deb; `make deb` runs it. Needs dpkg-dev (dpkg-architecture,
# dpkg-shlibdeps).
#
# The layout is packaging/install.sh's with PREFIX=/usr and the library under
# /usr/lib/MULTIARCH/oxissl (private: no ld.so.conf.d entry, nothing in the loader's default
# path), plus /usr/share/doc/oxissl/{copyright,changelog.gz} and the lintian overrides.
# Depends: what dpkg-shlibdeps computes for the library (libcrypto's libssl3, libc6,
# libgcc-s1), python3 (oxissl-check) and binutils (readelf: with-oxissl's RPATH and static
# checks).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PKG=$ROOT/packaging
die() { echo "build-deb.sh: $*" >&2; exit 1; }
for t in dpkg-deb dpkg-architecture dpkg-shlibdeps; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found: apt-get install dpkg-dev"
done

version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -n 1)
[ -n "$version" ] || die "no version in Cargo.toml"
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
[ -n "$multiarch" ] || die "cannot tell the multiarch directory"
maintainer="oxissl maintainers <maintainers@users.noreply.r-seed-40ef26f5.example>"
# The changelog's date: the last commit's, so that rebuilding the same tree gives the same file.
date=$(git -C "$ROOT" log -1 --format=%aD 2>/dev/null || date -R)

out=$ROOT/target/deb
stage=$out/oxissl_${version}_$arch
deb=$out/oxissl_${version}_$arch.deb
rm -rf "$stage" "$deb"
mkdir -p "$stage"
umask 022

"$PKG/install.sh" install --destdir "$stage" --prefix /usr --libdir "/usr/lib/$multiarch" --no-manifest >/dev/null
lib=$stage/usr/lib/$multiarch/oxissl/libssl.so.3
[ -f "$lib" ] || die "install.sh did not install $lib"

doc=$stage/usr/share/doc/oxissl
install -d -m 755 "$doc" "$stage/usr/share/lintian/overrides"
install -m 644 "$PKG/copyright" "$doc/copyright"
# A native package (no Debian revision): its changelog is changelog.gz (Policy 12.7).
sed -e "s|@MAINTAINER@|$maintainer|" -e "s|@DATE@|$date|" "$PKG/changelog" | gzip -9n > "$doc/changelog.gz"
chmod 644 "$doc/changelog.gz"
# Only comments remain in the overrides (see the file): installed when it holds a tag.
if grep -qv '^#' "$PKG/lintian-overrides"; then
    install -m 644 "$PKG/lintian-overrides" "$stage/usr/share/lintian/overrides/oxissl"
else
    rmdir "$stage/usr/share/lintian/overrides" "$stage/usr/share/lintian"
fi

# Depends: the library's shared-library dependencies as dpkg-shlibdeps reads them.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/debian"
printf 'Source: oxissl\n\nPackage: oxissl\nArchitecture: any\n' > "$tmp/debian/control"
shlibs=$(cd "$tmp" && dpkg-shlibdeps -O "$lib" 2>"$tmp/shlibdeps.err" | sed -n 's/^shlibs:Depends=//p') ||
    die "dpkg-shlibdeps failed: $(cat "$tmp/shlibdeps.err")"
[ -n "$shlibs" ] || die "dpkg-shlibdeps found no dependency: $(cat "$tmp/shlibdeps.err")"
grep -q 'libssl3' <<<"$shlibs" || die "dpkg-shlibdeps did not name libssl3 (libcrypto.so.3): $shlibs"
depends="$shlibs, binutils, python3"

size=$(du -k -s --apparent-size "$stage" | cut -f1)
mkdir -p "$stage/DEBIAN"
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" \
    -e "s|@INSTALLED_SIZE@|$size|" -e "s|@DEPENDS@|$depends|" "$PKG/control.in" > "$stage/DEBIAN/control"
(cd "$stage" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
find "$stage" -type d -exec chmod 755 {} +

dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
rm -rf "$stage"
echo "$deb"
echo "  Depends: $depends"
