#!/bin/sh
# Remove Lobby Kiosk from a kiosk PC, as root:  deploy/kiosk-pc/uninstall.sh [--purge] [--root DIR]
# Stops and removes the service, the releases and the launcher. The kiosk's data (its store with records not yet
# sent, its enrolment) and settings stay unless --purge; --purge removes them and the "kiosk" user too.
set -eu
root=/ purge=false
while [ $# -gt 0 ]; do
    case $1 in
        --purge) purge=true; shift ;;
        --root) root=$2; shift 2 ;;
        *) echo "uninstall.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "uninstall.sh: run as root" >&2; exit 1; }
if [ "$root" = / ]; then
    systemctl disable --now lobby-kiosk.service 2>/dev/null || true
fi
rm -f "$root/etc/systemd/system/lobby-kiosk.service" "$root/etc/systemd/journald.conf.d/lobby-kiosk.conf" \
    "$root/etc/X11/Xwrapper.config"
rm -rf "$root/opt/lobby-kiosk"
if $purge; then
    rm -rf "$root/etc/lobby-kiosk" "$root/var/lib/lobby-kiosk"
    userdel --root "$(cd "$root" && pwd)" kiosk 2>/dev/null || true
fi
[ "$root" = / ] && systemctl daemon-reload
echo "Lobby Kiosk removed$($purge && echo ', with its data' || echo '; its data stays in /var/lib/lobby-kiosk')"
