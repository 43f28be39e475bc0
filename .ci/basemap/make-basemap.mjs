// Regenerates geo/mapview/assets/basemap.json, the offline background of the map:
// Natural Earth 1:10m land (country shapes) and land borders from the npm package
// world-atlas (ISC; the data is public domain), decoded with topojson-client and cut
// to the region around Syria and Iraq, coordinates rounded to 0.001° (~100 m).
//
//     cd .ci/basemap && npm ci && node make-basemap.mjs
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

const basemap = {
  source: "Natural Earth 1:10m admin 0 countries (public domain) via npm world-atlas 2.0.2 (ISC)",
  region: REGION,
  land: landPolygons(),
  borders: borders(),
  rivers: {type: "MultiLineString", coordinates: []},
};
writeFileSync(OUT, JSON.stringify(basemap) + "\n");
console.log(`wrote ${OUT.pathname}: ${JSON.stringify(basemap).length} bytes`);
