#!/usr/bin/env bash
# Install what serving tests/nominatim/campaign.sqlite needs, and nothing more:
#   - Debian: python3-venv, python3-icu (a prebuilt PyICU, so nothing compiles),
#     libsqlite3-mod-spatialite (Nominatim's SQLite backend loads it).
#   - a dedicated venv (default /opt/nominatim-venv) built from Debian's /usr/bin/python3,
#     whose sqlite3 module can load extensions (the project's pyenv Python may not),
#     with nominatim-api, nominatim-db (it provides the `nominatim serve` command),
#     falcon + uvicorn (the web server) and aiosqlite (the SQLite driver).
# Idempotent: when everything is there it only checks and exits (about a second).
# Usage: bash .ci/nominatim-server.sh        (as root; apt-get needs it)
#        NOMINATIM_VENV=/some/dir bash .ci/nominatim-server.sh
set -euo pipefail

VENV="${NOMINATIM_VENV:-/opt/nominatim-venv}"
NOMINATIM_VERSION="5.3.3"
DEBS=(python3-venv python3-icu libsqlite3-mod-spatialite)
PIP_PKGS=("nominatim-api==$NOMINATIM_VERSION" "nominatim-db==$NOMINATIM_VERSION"
          "falcon>=3" "uvicorn>=0.20" "aiosqlite>=0.17")

missing=()
for pkg in "${DEBS[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "nominatim-server: installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" != 0 ]; then
        echo "nominatim-server: apt-get needs root; run: sudo bash $0" >&2
        exit 1
    fi
    # A fresh machine has no package lists yet; update once, then install.
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

# The system site-packages carry Debian's PyICU into the venv.
if [ ! -x "$VENV/bin/python" ]; then
    echo "nominatim-server: creating venv $VENV"
    /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi

if ! "$VENV/bin/python" - "$NOMINATIM_VERSION" <<'EOF' 2>/dev/null
import sys
from importlib.metadata import version
import aiosqlite, falcon, uvicorn, icu, nominatim_api, nominatim_db  # noqa: F401
sys.exit(0 if version("nominatim-api") == sys.argv[1] == version("nominatim-db") else 1)
EOF
then
    echo "nominatim-server: installing ${PIP_PKGS[*]} into $VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "${PIP_PKGS[@]}"
fi

# Prove the SQLite backend can load spatialite from this interpreter.
"$VENV/bin/python" - <<'EOF'
import sqlite3
con = sqlite3.connect(":memory:")
con.enable_load_extension(True)
con.execute("SELECT load_extension('mod_spatialite')")
EOF
echo "nominatim-server: ready: $VENV/bin/nominatim ($("$VENV/bin/nominatim" --version))"
