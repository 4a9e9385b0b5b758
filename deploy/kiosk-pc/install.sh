#!/bin/sh
# Install Lobby Kiosk on a Debian 12/13 kiosk PC, as root:
#
#   deploy/kiosk-pc/install.sh --release-key HEX [--release lobby-kiosk-X.tar.gz] [--server URL --enrol CODE]
#                              [--wheelhouse DIR] [--root DIR]
#
# --release-key  the console's release public key (Software updates page): the only key updates may be signed with
# --release      a release archive (build-release); default: one built from this checkout
# --server/--enrol  enrol with the central server now (else the kiosk shows a pairing code on its screen)
# --wheelhouse   install the Python packages from this folder of wheels instead of the package index
# --root         install into DIR instead of / (an image, a chroot, the tests): no apt-get, no systemctl, no venv
#
# What it does: Debian packages (Python, Xorg, xinit, fonts, Mesa); a system user "kiosk"; the release in
# /opt/lobby-kiosk/releases/<version> with its own venv (the layout the updater keeps); the pinned key; state.json;
# the launcher; lobby-kiosk.service (Xorg with no window manager on tty7, blanking off, restarted on exit and by
# its watchdog); journald rotation; then enables and starts it. Run it again to repair; uninstall.sh removes it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
root=/ release="" key="" server="" code="" wheelhouse=""
while [ $# -gt 0 ]; do
    case $1 in
        --release) release=$2; shift 2 ;;
        --release-key) key=$2; shift 2 ;;
        --server) server=$2; shift 2 ;;
        --enrol) code=$2; shift 2 ;;
        --wheelhouse) wheelhouse=$2; shift 2 ;;
        --root) root=$2; shift 2 ;;
        *) echo "install.sh: unknown option $1 (see the top of this file)" >&2; exit 2 ;;
    esac
done
echo "$key" | grep -Eq '^[0-9a-f]{64}$' || {
    echo "install.sh: --release-key must be the 64 hex digits shown on the console's Software updates page" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
real_system=false
[ "$root" = / ] && real_system=true
[ -d "$root" ] || { echo "install.sh: --root $root is not a directory" >&2; exit 2; }
opt="$root/opt/lobby-kiosk"
etc="$root/etc"

PACKAGES="python3 python3-venv xserver-xorg-core xserver-xorg-input-libinput xserver-xorg-legacy xinit
x11-xserver-utils libgl1-mesa-dri libsdl2-2.0-0 libmtdev1 fonts-noto-cjk"
if $real_system; then
    apt-get update
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES
fi

# The user: no password, no login shell; its home holds the data (store, identity, caches).
root=$(cd "$root" && pwd)
if ! grep -q '^kiosk:' "$etc/passwd" 2>/dev/null; then
    useradd --root "$root" --system --user-group --create-home --home-dir /var/lib/lobby-kiosk \
        --shell /usr/sbin/nologin --comment "Lobby Kiosk" kiosk
fi
for group in video input audio dialout tty; do
    if grep -q "^$group:" "$etc/group"; then usermod --root "$root" -aG "$group" kiosk; fi
done
owner=$(awk -F: '$1 == "kiosk" { print $3 ":" $4 }' "$etc/passwd")

# The release, unpacked where the updater keeps releases.
if [ -z "$release" ]; then
    release=$("$here/build-release" "$(mktemp -d)")
fi
version=$(tar -xzOf "$release" RELEASE.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
target="$opt/releases/$version"
rm -rf "$target.unpacking"
mkdir -p "$target.unpacking"
tar -xzf "$release" -C "$target.unpacking" --no-same-owner
if $real_system; then
    python3 -m venv "$target.unpacking/venv"
    if [ -n "$wheelhouse" ]; then
        "$target.unpacking/venv/bin/pip" install --no-index --find-links "$wheelhouse" -r "$target.unpacking/requirements.lock"
    else
        "$target.unpacking/venv/bin/pip" install -r "$target.unpacking/requirements.lock"
    fi
    "$target.unpacking/venv/bin/python" -m compileall -q "$target.unpacking" >/dev/null || true
fi
rm -rf "$target"
mv "$target.unpacking" "$target"

# The launcher (stdlib only: no release can break it), the session, the pinned key, the state.
mkdir -p "$opt/bin" "$opt/downloads" "$opt/state"
install -m 0755 "$repo/services/updates/launcher.py" "$opt/bin/kiosk-launch"
install -m 0755 "$here/kiosk-session" "$opt/bin/kiosk-session"
printf '%s\n' "$key" > "$opt/release-key.pub"
if [ ! -f "$opt/state/state.json" ]; then
    printf '{"current": "%s", "previous": null, "trial": null, "rollbacks": [], "failed_versions": []}\n' \
        "$version" > "$opt/state/state.json"
else
    python3 - "$opt/state/state.json" "$version" <<'PY'
import json, sys
path, version = sys.argv[1], sys.argv[2]
state = json.load(open(path))
state.update(current=version, trial=None)
json.dump(state, open(path, "w"))
PY
fi
# The kiosk's user writes the state (trial, rollbacks), downloads and unpacks releases; root owns the launcher and
# the pinned key, so not even a compromised kiosk can change which key updates must be signed with.
chown -R "$owner" "$opt/releases" "$opt/downloads" "$opt/state"

# Settings, the X wrapper, the unit, the journal's rotation.
mkdir -p "$etc/lobby-kiosk" "$root/var/lib/lobby-kiosk/data" "$etc/X11" "$etc/systemd/system" \
    "$etc/systemd/journald.conf.d"
[ -f "$etc/lobby-kiosk/settings.toml" ] || install -m 0644 "$target/config/settings.toml" "$etc/lobby-kiosk/settings.toml"
install -m 0644 "$here/Xwrapper.config" "$etc/X11/Xwrapper.config"
install -m 0644 "$here/lobby-kiosk.service" "$etc/systemd/system/lobby-kiosk.service"
install -m 0644 "$here/journald-lobby-kiosk.conf" "$etc/systemd/journald.conf.d/lobby-kiosk.conf"
chown -R "$owner" "$root/var/lib/lobby-kiosk"

if $real_system; then
    if [ -n "$server" ] && [ -n "$code" ]; then
        runuser -u kiosk -- env KIOSK_DATA_DIR=/var/lib/lobby-kiosk/data "$target/venv/bin/python" -m kiosk enrol \
            --server "$server" "$code"
    fi
    systemctl daemon-reload
    systemctl restart systemd-journald
    systemctl set-default graphical.target
    systemctl enable --now lobby-kiosk.service
fi
echo "Lobby Kiosk $version installed in $opt"
