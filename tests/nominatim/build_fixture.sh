#!/usr/bin/env bash
# Rebuild tests/nominatim/campaign.sqlite from campaign.osm with the official Nominatim.
#
# Steps: install the serving software (.ci/nominatim-server.sh) plus the import tools
# (PostgreSQL + PostGIS, osm2pgsql); start a throwaway PostgreSQL cluster in a temp
# directory (Unix socket only, no TCP port); `nominatim import` the .osm file;
# `nominatim convert` to SQLite with the search tables; trim the country grid (it is
# ~35 MB of world polygons, the test needs a handful of countries) and the country names
# (~1 MB of translations); stop PostgreSQL and
# delete the cluster. Run as root (apt-get, and PostgreSQL runs as the postgres user).
# Only needed after editing campaign.osm: the built file is committed for CI.
# Usage: bash tests/nominatim/build_fixture.sh [output.sqlite]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OSM="$HERE/campaign.osm"
OUT="$(realpath -m "${1:-$HERE/campaign.sqlite}")"
VENV="${NOMINATIM_VENV:-/opt/nominatim-venv}"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
# Countries whose grid cells and names stay in the file: the campaign and the decoys' countries.
KEEP_COUNTRIES="'sy','iq','tn','tr','gb','br'"

NOMINATIM_VENV="$VENV" bash "$ROOT/.ci/nominatim-server.sh"

missing=()
for pkg in postgresql-15 postgresql-15-postgis-3 osm2pgsql sqlite3; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "build_fixture: installing ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

WORK="$(mktemp -d /tmp/nominatim-build.XXXXXX)"
PGDATA="$WORK/pg"
PORT=54329  # only names the socket file: listen_addresses is empty, no TCP
cleanup() {
    if [ -f "$PGDATA/postmaster.pid" ]; then
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

chown postgres "$WORK"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -w -l "$WORK/postgres.log" \
    -o "-c listen_addresses='' -k $WORK -p $PORT -c fsync=off -c synchronous_commit=off" start >/dev/null
# Nominatim grants read rights to its web user on import; the role must exist.
runuser -u postgres -- psql -q -h "$WORK" -p "$PORT" -d postgres -c 'CREATE USER "www-data"'

export NOMINATIM_DATABASE_DSN="pgsql:dbname=nominatim;host=$WORK;port=$PORT;user=postgres"
mkdir -p "$WORK/project"
cd "$WORK/project"
# The import is chatty (osm2pgsql logs every table): keep its log, show it on failure.
if ! "$VENV/bin/nominatim" import --osm-file "$OSM" --offline --no-updates --no-partitions \
        >"$WORK/import.log" 2>&1; then
    tail -40 "$WORK/import.log" >&2
    echo "build_fixture: nominatim import failed (log above)" >&2
    exit 1
fi

rm -f "$OUT"
"$VENV/bin/nominatim" convert -o "$OUT" --with-search --with-details --with-reverse -q

# Deleting from a spatialite table fires its spatial-index triggers: load the module.
"$VENV/bin/python" - "$OUT" "$KEEP_COUNTRIES" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.enable_load_extension(True)
con.execute("SELECT load_extension('mod_spatialite')")
for table in ("country_osm_grid", "country_name"):
    con.execute(f"DELETE FROM {table} WHERE country_code NOT IN ({sys.argv[2]})")
con.commit()
con.execute("VACUUM")
con.close()
EOF
echo "build_fixture: wrote $OUT ($(du -h "$OUT" | cut -f1))"
