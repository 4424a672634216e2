// Rebuilds packages/subgraph-kit/geography/{governorates,yellow-line}.geojson.
//
//   npm run -s geography
//
// 1. Governorates: decodes the Gaza Strip arcs kept from geoBoundaries' PSE ADM2 simplified TopoJSON (source/), simplifies
//    each shared arc once with Douglas-Peucker (so neighbouring polygons keep identical borders: no gaps, no overlaps) and
//    writes one polygon per governorate.
// 2. Yellow Line: there is no public machine-readable geometry of it. The line drawn here is SYNTHETIC: it runs south to north
//    at a distance from the border with Israel that follows a rough profile per governorate, scaled so that the area east of
//    it is 53% of the Strip (the figure given at the ceasefire in force 10 Oct 2025), and kept 1.5 to 7 km from the border.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCli } from '@cmcc/platform';
import { eastShareOfRings, pointInRing, ringBounds, type Position } from '@cmcc/subgraph-kit';

parseCli({
  usage: `Usage: npm run geography   rebuilds packages/subgraph-kit/geography/{governorates,yellow-line}.geojson from the geoBoundaries arcs in geography/source/`,
  options: {},
});

const dir = new URL('../packages/subgraph-kit/geography/', import.meta.url);
const topo = JSON.parse(readFileSync(new URL('source/geoboundaries-pse-adm2-gaza.topo.json', dir), 'utf8')) as {
  transform: { scale: [number, number]; translate: [number, number] };
  governorates: { shapeName: string; arcs: number[] }[];
  arcs: Record<string, [number, number][]>;
};

/** Douglas-Peucker tolerance in degrees (about 45 m); every vertex dropped lies within it of the simplified border. */
const TOLERANCE = 0.0004;
const round = (x: number) => Math.round(x * 1e5) / 1e5;

function decode(arc: [number, number][]): Position[] {
  let x = 0;
  let y = 0;
  const { scale, translate } = topo.transform;
  return arc.map(([dx, dy]) => {
    x += dx;
    y += dy;
    return [x * scale[0] + translate[0], y * scale[1] + translate[1]] as Position;
  });
}

/** Distance from p to segment ab, in degrees with longitude scaled to the length of a degree of latitude. */
function segmentDistance(p: Position, a: Position, b: Position): number {
  const k = Math.cos((31.4 * Math.PI) / 180);
  const [px, py, ax, ay, bx, by] = [p[0] * k, p[1], a[0] * k, a[1], b[0] * k, b[1]];
  const length = (bx - ax) ** 2 + (by - ay) ** 2;
  const t = length ? Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length)) : 0;
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
}

function douglasPeucker(points: Position[], tolerance: number): Position[] {
  if (points.length < 3) return points;
  let index = 0;
  let worst = 0;
  for (let i = 1; i < points.length - 1; i++) {
    const d = segmentDistance(points[i], points[0], points[points.length - 1]);
    if (d > worst) [index, worst] = [i, d];
  }
  if (worst <= tolerance) return [points[0], points[points.length - 1]];
  return [...douglasPeucker(points.slice(0, index + 1), tolerance).slice(0, -1), ...douglasPeucker(points.slice(index), tolerance)];
}

const simplified = new Map<number, Position[]>();
for (const [key, arc] of Object.entries(topo.arcs)) {
  simplified.set(
    Number(key),
    douglasPeucker(decode(arc), TOLERANCE).map(([x, y]) => [round(x), round(y)] as Position),
  );
}

const PCODES: Record<string, { pcode: string; name: string }> = {
  'North Gaza': { pcode: 'PS0255', name: 'North Gaza' },
  Gaza: { pcode: 'PS0260', name: 'Gaza' },
  'Deir Al Balah': { pcode: 'PS0265', name: 'Deir Al-Balah' },
  'Khan Yunis': { pcode: 'PS0270', name: 'Khan Younis' },
  Rafah: { pcode: 'PS0275', name: 'Rafah' },
};

const SOURCE = 'geoBoundaries gbOpen PSE ADM2 (wmgeolab/geoBoundaries, geoBoundaries-PSE-ADM2_simplified.topojson; boundary source Open Data Watch, boundary year 2017)';
const LICENCE = 'CC BY 4.0 (geoBoundaries, Runfola et al. 2020)';

const governorates = topo.governorates.map((g) => {
  const ring: Position[] = [];
  for (const index of g.arcs) {
    const arc = index >= 0 ? simplified.get(index)! : [...simplified.get(~index)!].reverse();
    ring.push(...(ring.length ? arc.slice(1) : arc));
  }
  const { pcode, name } = PCODES[g.shapeName];
  return { pcode, name, ring };
});

const totalPoints = governorates.reduce((n, g) => n + g.ring.length, 0);
writeFileSync(
  new URL('governorates.geojson', dir),
  JSON.stringify(
    {
      type: 'FeatureCollection',
      name: 'Gaza Strip governorates (COD-AB admin level 2)',
      features: governorates.map((g) => ({
        type: 'Feature',
        properties: {
          pcode: g.pcode,
          name: g.name,
          source: SOURCE,
          licence: LICENCE,
          simplification: `Douglas-Peucker per shared border, tolerance ${TOLERANCE} degrees (about 45 m), coordinates rounded to 5 decimals`,
        },
        geometry: { type: 'Polygon', coordinates: [g.ring] },
      })),
    },
    null,
    0,
  ).replace(/\{"type":"Feature"/g, '\n{"type":"Feature"') + '\n',
);
console.log(`governorates.geojson: ${governorates.length} polygons, ${totalPoints} positions`);

// ---- The Yellow Line (SYNTHETIC) ----
const rings = governorates.map((g) => g.ring);
// The Strip's long axis, from Rafah on the Egyptian border to the north-eastern corner (Erez).
const southWest: Position = [34.245, 31.245];
const northEast: Position = [34.56, 31.595];
const kx = Math.cos((31.4 * Math.PI) / 180) * 111.32; // km per degree of longitude
const ky = 110.57; // km per degree of latitude
const axis = [(northEast[0] - southWest[0]) * kx, (northEast[1] - southWest[1]) * ky];
const axisLength = Math.hypot(axis[0], axis[1]);
const along = [axis[0] / axisLength, axis[1] / axisLength];
const across = [along[1], -along[0]]; // perpendicular, pointing south-east (towards Israel)
const toLonLat = (u: number, v: number): Position => [southWest[0] + (u * along[0] + v * across[0]) / kx, southWest[1] + (u * along[1] + v * across[1]) / ky];
const inStrip = ([lon, lat]: Position) => rings.some((r) => pointInRing(r, lon, lat));

/** Where the perpendicular at u crosses the Strip: [coast side v, border side v], in km. */
function crossing(u: number): [number, number] | null {
  let west: number | null = null;
  let east: number | null = null;
  for (let v = -12; v <= 12; v += 0.02) {
    if (!inStrip(toLonLat(u, v))) continue;
    west ??= v;
    east = v;
  }
  return west === null || east === null ? null : [west, east];
}

/** Rough share of the width held east of the line, by distance along the axis (Rafah 0 km to Beit Hanoun ~45 km). */
function profile(u: number): number {
  const stations: [number, number][] = [
    [0, 0.7], // Rafah: most of the governorate east of the line
    [9, 0.65],
    [15, 0.55], // Khan Younis
    [21, 0.45],
    [25, 0.3], // Deir al-Balah: mostly west
    [30, 0.3],
    [34, 0.35], // Gaza: the eastern neighbourhoods
    [39, 0.4],
    [43, 0.6], // North Gaza: Beit Hanoun east
    [48, 0.6],
  ];
  for (let i = 1; i < stations.length; i++) {
    const [u0, f0] = stations[i - 1];
    const [u1, f1] = stations[i];
    if (u <= u1) return f0 + ((f1 - f0) * (Math.max(u, u0) - u0)) / (u1 - u0);
  }
  return stations[stations.length - 1][1];
}

function drawLine(scale: number): Position[] {
  const points: Position[] = [];
  for (let u = -3; u <= axisLength + 3; u += 0.5) {
    const c = crossing(u);
    if (!c) continue;
    const [west, east] = c;
    const distance = Math.min(7, Math.max(1.5, Math.min(scale * profile(u) * (east - west), east - west - 0.4)));
    points.push(toLonLat(u, east - distance));
  }
  // Extend past both ends of the Strip along the axis so that the line cuts it completely.
  const [first, last] = [points[0], points[points.length - 1]];
  const [dx, dy] = [(along[0] * 3) / kx, (along[1] * 3) / ky];
  return [[first[0] - dx, first[1] - dy], ...points, [last[0] + dx, last[1] + dy]];
}

const TARGET = 0.53;
let [low, high] = [0.5, 1.6];
let line = drawLine(1);
for (let i = 0; i < 20; i++) {
  const mid = (low + high) / 2;
  line = drawLine(mid);
  if (eastShareOfRings(rings, line, 0.002) < TARGET) low = mid;
  else high = mid;
}
const yellowLine = douglasPeucker(line, 0.0015).map(([x, y]) => [round(x), round(y)] as Position);
const share = eastShareOfRings(rings, yellowLine);
const [minLon, minLat, maxLon, maxLat] = ringBounds(yellowLine);
writeFileSync(
  new URL('yellow-line.geojson', dir),
  JSON.stringify({
    type: 'FeatureCollection',
    name: 'The Yellow Line (dated layer)',
    features: [
      {
        type: 'Feature',
        properties: {
          id: 'yellow-line-2025-10-10',
          validFrom: '2025-10-10T00:00:00Z',
          validTo: null,
          source: 'SYNTHETIC',
          description:
            'SYNTHETIC approximation of the Yellow Line, to which Israeli forces withdrew at the ceasefire in force 10 Oct 2025. ' +
            'No public machine-readable geometry exists; this line runs south to north 1.5 to 7 km west of the border with ' +
            `Israel and is calibrated so that the area east of it is about 53% of the Strip (measured: ${(share * 100).toFixed(1)}%). ` +
            'It is not the real line: do not use it to judge where a real place lies.',
        },
        geometry: { type: 'LineString', coordinates: yellowLine },
      },
    ],
  }) + '\n',
);
console.log(`yellow-line.geojson: ${yellowLine.length} positions, east share ${(share * 100).toFixed(1)}%, bounds ${[minLon, minLat, maxLon, maxLat].join(', ')}`);
