/* The campaign map: one Leaflet map per container, kept for the life of the page; each
 * call to mount() swaps the points layer in place (no map reload on a slider move).
 *
 * Used twice: as the default export of the Streamlit component (data arrives as the
 * bytes of a JSON document) and by the standalone HTML export (a parsed object).
 * Popup and tooltip texts are HTML that geo/ escaped already; every other string
 * (town names, attribution) is set as text.  Expects Leaflet (window.L) and BASEMAP.
 */
const MAPS = new WeakMap();  // container -> {map, points, key}
// Large data sets (geo/view/duckview.py) send points without popups: the map reports the opened
// point's id as the component's state value "open" and the server sends its (escaped)
// popup back as points.popup = {id, html}.
const LOADING = "<p><i>Loading…</i></p>";

function popupFor(state, props) {
  if (props.popup !== undefined) return props.popup;
  const sent = state.sentPopup;
  return sent && sent.id === props.id ? sent.html : LOADING;
}

function decode(data) {
  if (data instanceof Uint8Array) return JSON.parse(new TextDecoder().decode(data));
  return data;
}

/* The points as Leaflet features: the wire has one row per point, [lon, lat, place, style
 * index, tooltip, popup, id], and each distinct style once (geo/view/mapview layer()). A
 * point of a large data set has no popup (null) but an id to ask for it with. */
function features(points) {
  return points.rows.map(([lon, lat, place, style, tooltip, popup, id]) => {
    const properties = {place, style: points.styles[style], tooltip};
    if (popup !== null) properties.popup = popup;
    if (id !== null) properties.id = id;
    return {geometry: {coordinates: [lon, lat]}, properties};
  });
}

function textNode(text, className) {
  const el = document.createElement("span");
  el.className = className;
  el.textContent = text;
  return el;
}

/* Natural Earth land, borders and rivers on a canvas under the tiles, and the gazetteer's
 * towns as labels: what the reader sees where tiles are off or fail to load. */
function addBasemap(map, towns) {
  map.createPane("basemap").style.zIndex = 150;  // under the tiles (200)
  map.createPane("basemapLabels").style.zIndex = 190;
  const renderer = L.canvas({pane: "basemap", padding: 0.5});
  const style = (color, weight, fill, dash) => ({
    renderer, interactive: false, color, weight, fill: !!fill, fillColor: fill,
    fillOpacity: 1, dashArray: dash,
  });
  L.geoJSON(BASEMAP.land, style("#b9b4a6", 0.6, "#f2efe6")).addTo(map);
  L.geoJSON(BASEMAP.rivers, style("#7fb2d9", 1.6)).addTo(map);
  L.geoJSON(BASEMAP.borders, style("#8a7f8d", 1.2, null, "6 3")).addTo(map);
  for (const [name, lat, lon] of towns) {
    const html = document.createElement("div");
    html.appendChild(textNode(name, "geo-town-label"));
    L.marker([lat, lon], {
      pane: "basemapLabels", interactive: false, keyboard: false,
      icon: L.divIcon({className: "geo-town", html, iconSize: [6, 6]}),
    }).addTo(map);
  }
}

function addTiles(map, tiles) {
  if (!tiles) return;
  const attribution = document.createElement("span");
  attribution.textContent = tiles.attribution;  // an operator's text, shown as text
  const layer = L.tileLayer(tiles.url, {attribution: attribution.innerHTML, maxZoom: 18});
  // A tile that fails stays transparent, so the basemap below shows through it.
  layer.on("tileerror", () => map.getContainer().classList.add("geo-tiles-failed"));
  layer.addTo(map);
}

function createMap(parent, payload) {
  const container = document.createElement("div");
  container.className = "geo-map";
  container.style.height = `${payload.height}px`;
  parent.appendChild(container);
  const map = L.map(container, {zoomControl: true});
  map.attributionControl.setPrefix("Leaflet · basemap: Natural Earth");
  L.control.scale().addTo(map);
  addBasemap(map, payload.towns || []);
  addTiles(map, payload.tiles);
  const view = payload.view;
  if (view.fit) map.fitBounds(view.fit, {maxZoom: 11});
  else map.setView(view.center, view.zoom);
  const points = L.featureGroup();
  points.bindTooltip((layer) => layer.feature.properties.tooltip, {sticky: true, className: "geo-tooltip"});
  const state = {map, points, container, byPlace: new Map(), popupOf: null};
  points.bindPopup((layer) => popupFor(state, layer.feature.properties), {maxWidth: 420, className: "geo-popup"});
  points.addTo(map);
  points.on("popupopen", (e) => {
    state.popupOf = e.propagatedFrom || e.layer;
    const props = state.popupOf.feature.properties;
    if (props.popup === undefined && state.setStateValue) state.setStateValue("open", props.id);
  });
  points.on("popupclose", () => {
    const props = state.popupOf && state.popupOf.feature.properties;
    state.popupOf = null;
    if (props && props.popup === undefined && state.setStateValue) state.setStateValue("open", null);
  });
  return state;
}

const STYLE_KEYS = ["radius", "color", "fillColor", "weight", "opacity", "fillOpacity", "dashArray"];

/* Swap the points in place: a slider move mostly changes a few places' counts and
 * popups, so only the markers whose place, look or text changed are touched (redrawing
 * thousands of SVG circles on every move cost most of the browser's time). */
function swapPoints(state, points) {
  const seen = new Set();
  for (const feature of points) {
    const [lon, lat] = feature.geometry.coordinates;
    const id = `${lon},${lat},${feature.properties.place}`;
    const style = feature.properties.style;
    seen.add(id);
    const marker = state.byPlace.get(id);
    if (!marker) {
      const added = L.circleMarker([lat, lon], style);
      added.feature = feature;
      state.byPlace.set(id, added);
      state.points.addLayer(added);
      continue;
    }
    const before = marker.feature.properties.style;
    marker.feature = feature;  // the tooltip and popup read their (escaped) text from here
    if (marker === state.popupOf) state.points.setPopupContent(popupFor(state, feature.properties));
    if (STYLE_KEYS.some((k) => before[k] !== style[k])) {
      marker.setStyle(style);
      marker.setRadius(style.radius);
    }
  }
  for (const [id, marker] of state.byPlace) {
    if (!seen.has(id)) {
      if (marker === state.popupOf) state.map.closePopup();
      state.points.removeLayer(marker);
      state.byPlace.delete(id);
    }
  }
}

function mount(component) {
  const started = performance.now();
  const parent = component.parentElement;
  const payload = decode(component.data);
  if (!payload) return;
  const key = JSON.stringify([payload.view, payload.tiles, payload.towns, payload.height]);
  let state = MAPS.get(parent);
  if (state && state.key !== key) {  // another data set: a new base map
    state.map.remove();
    state.container.remove();
    state = undefined;
  }
  if (!state) {
    state = createMap(parent, payload);
    state.key = key;
    MAPS.set(parent, state);
  }
  state.setStateValue = component.setStateValue;  // absent in the standalone export
  state.sentPopup = payload.points.popup || null;
  const points = features(payload.points);
  swapPoints(state, points);
  state.container.dataset.points = String(points.length);
  state.container.dataset.swapMs = (performance.now() - started).toFixed(1);  // for benchmarks
  state.container.dataset.version = String((Number(state.container.dataset.version) || 0) + 1);
}
