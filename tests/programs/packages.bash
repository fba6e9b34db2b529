# Sourced by the program tests (through lib-modes.bash or directly) and tools/soak/soak.sh: installs the Debian packages a
# test needs (a fresh machine has none of the servers).
#
#   need_packages PKG:FILE…   apt-get install (noninteractive, service starts denied) each
#                             PKG whose FILE is missing; prints how long it took
#   nginx_binary              nginx's path (nginx-light installed first if needed)

# need_packages PKG:FILE…: install the packages whose FILE is missing
need_packages() {
    local missing=() a pkg file
    for a in "$@"; do
        pkg=${a%%:*}; file=${a#*:}
        [ -e "$file" ] || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "not installed: installing ${missing[*]}" >&2
    local sudo= t0=$SECONDS policy_added=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    # Deny service starts during the install unless a policy is already in place.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null &&
            $sudo chmod 755 /usr/sbin/policy-rc.d && policy_added=1
    fi
    apt_install() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null; }
    apt_install || { $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null && apt_install; }
    [ -n "$policy_added" ] && $sudo rm -f /usr/sbin/policy-rc.d
    for a in "$@"; do
        [ -e "${a#*:}" ] || { echo "could not install ${a%%:*} (no ${a#*:})" >&2; exit 2; }
    done
    echo "installed ${missing[*]} in $((SECONDS - t0)) s" >&2
}

# nginx_binary: prints nginx's path, installing Debian's nginx-light when there is none.
nginx_binary() {
    local n
    n=$(command -v nginx 2>/dev/null) || { [ -x /usr/sbin/nginx ] && n=/usr/sbin/nginx; }
    [ -n "$n" ] || { need_packages nginx-light:/usr/sbin/nginx >&2; n=/usr/sbin/nginx; }
    echo "$n"
}
