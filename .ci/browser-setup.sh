#!/usr/bin/env bash
# Installs what the browser tests need, idempotently: Debian's Chromium (never a
# downloaded browser build: `playwright install` cannot work offline) and the map
# libraries folium loads from CDNs, from npm into tests/browser/node_modules, so
# the tests can serve them to the page locally. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "browser-setup: need root for apt-get install $*; run: sudo apt-get install -y $*" >&2
        exit 1
    fi
    if [ ! -f /tmp/.browser-setup-apt-updated ]; then
        apt-get update -qq && touch /tmp/.browser-setup-apt-updated
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
    echo "browser-setup: installing chromium (apt)"
    apt_install chromium
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "browser-setup: installing npm (apt)"
    apt_install npm
fi

lock=tests/browser/package-lock.json
stamp=tests/browser/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
    echo "browser-setup: npm ci in tests/browser"
    (cd tests/browser && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi
/usr/bin/chromium --version
echo "browser-setup: ready"
