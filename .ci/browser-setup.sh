#!/usr/bin/env bash
# Installs what the browser tests need, idempotently: Debian's Chromium (never a
# downloaded browser build: `playwright install` cannot work offline). The app serves
# Leaflet and its offline basemap itself (geo/view/mapview/assets), so the tests need no
# copies of CDN files. Safe to run again: it skips what is there.
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "browser-setup: need root for apt-get install chromium; run: sudo apt-get install -y chromium" >&2
        exit 1
    fi
    echo "browser-setup: installing chromium (apt)"
    if [ ! -f /tmp/.browser-setup-apt-updated ]; then
        apt-get update -qq && touch /tmp/.browser-setup-apt-updated
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version
echo "browser-setup: ready"
