// Real geography for the Gaza Strip: the five governorates' polygons (geoBoundaries, CC BY 4.0) and the Yellow Line as a
// dated layer (a SYNTHETIC approximation). The data are GeoJSON files in ../geography; scripts/geography.ts rebuilds them.
import { readFileSync } from 'node:fs';

/** A position as GeoJSON writes it: [longitude, latitude], WGS 84 decimal degrees. */
export type Position = readonly [number, number];

export interface GovernoratePolygon {
  readonly pcode: string;
  readonly name: string;
  /** The outer ring, closed (first position repeated last). */
  readonly ring: readonly Position[];
  readonly source: string;
  readonly licence: string;
}

/** One version of the Yellow Line: in force from validFrom (inclusive) until validTo (exclusive; null while in force). */
export interface ControlLineVersion {
  readonly id: string;
  readonly validFrom: Date;
  readonly validTo: Date | null;
  /** GeoJSON LineString, south to north; the side towards the border with Israel is EAST. */
  readonly geometry: { readonly type: 'LineString'; readonly coordinates: readonly Position[] };
  readonly source: string;
  readonly description: string;
}

export type YellowLineSide = 'EAST' | 'WEST';

interface FeatureCollection<P> {
  features: { properties: P; geometry: { type: string; coordinates: unknown } }[];
}

function readGeoJson<P>(file: string): FeatureCollection<P> {
  return JSON.parse(readFileSync(new URL(`../geography/${file}`, import.meta.url), 'utf8')) as FeatureCollection<P>;
}

function loadGovernorates(): GovernoratePolygon[] {
  const data = readGeoJson<{ pcode: string; name: string; source: string; licence: string }>('governorates.geojson');
  return data.features.map(({ properties, geometry }) => ({
    pcode: properties.pcode,
    name: properties.name,
    ring: (geometry.coordinates as Position[][])[0],
    source: properties.source,
    licence: properties.licence,
  }));
}

function loadControlLines(): ControlLineVersion[] {
  const data = readGeoJson<{ id: string; validFrom: string; validTo: string | null; source: string; description: string }>('yellow-line.geojson');
  return data.features
    .map(({ properties, geometry }) => ({
      id: properties.id,
      validFrom: new Date(properties.validFrom),
      validTo: properties.validTo ? new Date(properties.validTo) : null,
      geometry: { type: 'LineString' as const, coordinates: geometry.coordinates as Position[] },
      source: properties.source,
      description: properties.description,
    }))
    .sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime());
}

let governorateCache: GovernoratePolygon[] | undefined;
let controlLineCache: ControlLineVersion[] | undefined;

/** The five governorates of the Gaza Strip (COD-AB level 2), north to south (read from the data file on first use). */
export function governoratePolygons(): readonly GovernoratePolygon[] {
  return (governorateCache ??= loadGovernorates());
}

/** Every version of the Yellow Line, oldest first (read from the data file on first use). */
export function controlLines(): readonly ControlLineVersion[] {
  return (controlLineCache ??= loadControlLines());
}

/** Whether the point (longitude x, latitude y) lies inside a closed ring (even-odd rule). */
export function pointInRing(ring: readonly Position[], lon: number, lat: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a point lies inside a GeoJSON polygon given as its rings (outer first, then holes). */
export function pointInPolygon(rings: readonly (readonly Position[])[], lat: number, lon: number): boolean {
  if (!rings.length || !pointInRing(rings[0], lon, lat)) return false;
  return !rings.slice(1).some((hole) => pointInRing(hole, lon, lat));
}

/** The governorate (P-code) a point lies in, or null when it lies outside the Gaza Strip. */
export function governorateAt(lat: number, lon: number): string | null {
  return governoratePolygons().find((g) => pointInRing(g.ring, lon, lat))?.pcode ?? null;
}

/** Whether a point lies in the Gaza Strip (inside one of the five governorate polygons). */
export function inGazaStrip(lat: number, lon: number): boolean {
  return governorateAt(lat, lon) !== null;
}

/** The polygon of a governorate, or undefined for any other P-code. */
export function governoratePolygon(pcode: string): GovernoratePolygon | undefined {
  return governoratePolygons().find((g) => g.pcode === pcode);
}

/** Bounding box [minLon, minLat, maxLon, maxLat] of a ring. */
export function ringBounds(ring: readonly Position[]): [number, number, number, number] {
  const lons = ring.map((p) => p[0]);
  const lats = ring.map((p) => p[1]);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}

/** The Yellow Line version in force at a moment, or null when none is. */
export function controlLineAt(at: Date): ControlLineVersion | null {
  const t = at.getTime();
  return controlLines().find((v) => v.validFrom.getTime() <= t && (v.validTo === null || t < v.validTo.getTime())) ?? null;
}

/** The area east of a line: the line (south to north) closed through points far to the east of its ends. */
function eastRing(line: readonly Position[]): Position[] {
  const first = line[0];
  const last = line[line.length - 1];
  const farEast = 36;
  return [...line, [farEast, last[1]], [farEast, first[1]], first];
}

const eastRings = new Map<string, Position[]>();
function eastOf(version: ControlLineVersion): Position[] {
  let ring = eastRings.get(version.id);
  if (!ring) eastRings.set(version.id, (ring = eastRing(version.geometry.coordinates)));
  return ring;
}

/** Which side of the Yellow Line a point lies on at a moment: EAST (towards Israel) or WEST; null when no line is in force. */
export function yellowLineSide(lat: number, lon: number, at: Date): YellowLineSide | null {
  const version = controlLineAt(at);
  if (!version) return null;
  return pointInRing(eastOf(version), lon, lat) ? 'EAST' : 'WEST';
}

/**
 * The schema's `YellowLineSide` of a point at a moment: HELD_SIDE (east of the line, towards the perimeter, where Israeli
 * forces remain) or WITHDRAWN_SIDE; null when no version of the line was in force then.
 */
export function yellowLineSideOf(lat: number, lon: number, at: Date): 'HELD_SIDE' | 'WITHDRAWN_SIDE' | null {
  const side = yellowLineSide(lat, lon, at);
  return side === null ? null : side === 'EAST' ? 'HELD_SIDE' : 'WITHDRAWN_SIDE';
}

/** Grid step (degrees) for area shares: about 110 m north-south, 95 m east-west. */
const GRID_STEP = 0.001;

/** Share (0..1) of the area of the given rings that lies east of a line, measured on a regular grid. */
export function eastShareOfRings(rings: readonly (readonly Position[])[], line: readonly Position[], step = GRID_STEP): number {
  const east = eastRing(line);
  let total = 0;
  let inEast = 0;
  for (const ring of rings) {
    const [minLon, minLat, maxLon, maxLat] = ringBounds(ring);
    for (let lat = minLat + step / 2; lat < maxLat; lat += step) {
      for (let lon = minLon + step / 2; lon < maxLon; lon += step) {
        if (!pointInRing(ring, lon, lat)) continue;
        total++;
        if (pointInRing(east, lon, lat)) inEast++;
      }
    }
  }
  return total ? inEast / total : 0;
}

const shareCache = new Map<string, number>();

/**
 * Share (0..1) of an area's polygon lying east of the Yellow Line at a moment: a governorate's P-code or PS02 for the whole
 * Strip. Null when no line is in force or the area has no polygon (localities, the State of Palestine).
 */
export function controlShare(pcode: string, at: Date): number | null {
  const version = controlLineAt(at);
  if (!version) return null;
  const rings = pcode === 'PS02' ? governoratePolygons().map((g) => g.ring) : [governoratePolygon(pcode)?.ring].filter((r) => r !== undefined);
  if (!rings.length) return null;
  const key = `${version.id}|${pcode}`;
  let share = shareCache.get(key);
  if (share === undefined) shareCache.set(key, (share = eastShareOfRings(rings, version.geometry.coordinates)));
  return share;
}

/**
 * A point drawn uniformly inside a governorate's polygon by rejection sampling, optionally only on one side of the line in
 * force at `at`. `random` returns numbers in [0, 1) (use a seeded generator for reproducible seeds). Coordinates are rounded
 * to 5 decimals (about a metre) and re-checked after rounding.
 */
export function randomPointIn(pcode: string, random: () => number, options: { side?: YellowLineSide; at?: Date } = {}): { latitude: number; longitude: number } {
  const polygon = governoratePolygon(pcode);
  if (!polygon) throw new Error(`No polygon for ${pcode}: synthetic points can be drawn only in the five governorates`);
  const [minLon, minLat, maxLon, maxLat] = ringBounds(polygon.ring);
  for (let attempt = 0; attempt < 100_000; attempt++) {
    const longitude = Math.round((minLon + random() * (maxLon - minLon)) * 1e5) / 1e5;
    const latitude = Math.round((minLat + random() * (maxLat - minLat)) * 1e5) / 1e5;
    if (!pointInRing(polygon.ring, longitude, latitude)) continue;
    if (options.side && yellowLineSide(latitude, longitude, options.at ?? new Date()) !== options.side) continue;
    return { latitude, longitude };
  }
  throw new Error(`Could not draw a point in ${pcode} on the ${options.side} side of the line`);
}

/** The ceasefire took effect on 10 Oct 2025; the Yellow Line as drawn then is the one synthetic points are placed against. */
const CEASEFIRE = new Date('2025-10-10T00:00:00Z');

/**
 * A synthetic [latitude, longitude] for a record of an area (a governorate or one of its localities): drawn inside the
 * area's governorate polygon and, unless another side is asked for, west of the Yellow Line in force at the ceasefire.
 */
export function syntheticPoint(areaPcode: string, random: () => number, side: YellowLineSide = 'WEST'): [number, number] {
  const { latitude, longitude } = randomPointIn(areaPcode.slice(0, 6), random, { side, at: CEASEFIRE });
  return [latitude, longitude];
}

/**
 * How far outside the governorates' polygons (in degrees of latitude, about 330 m) a point may still be accepted: the
 * polygons follow the coast and the borders to within about 45 m (geoBoundaries, simplified), and reported positions on the
 * beach or a jetty should not be refused. Enough to catch what the check is for: swapped or mistyped coordinates, and
 * places in Israel or Egypt.
 */
const TOLERANCE = 0.003;

/** Distance in degrees of latitude from a point to the nearest governorate border, with longitude scaled to the same length. */
function distanceToPolygons(lat: number, lon: number): number {
  const scale = Math.cos((31.4 * Math.PI) / 180);
  let best = Infinity;
  for (const { ring } of governoratePolygons()) {
    for (let i = 1; i < ring.length; i++) {
      const [ax, ay] = [ring[i - 1][0] * scale, ring[i - 1][1]];
      const [bx, by] = [ring[i][0] * scale, ring[i][1]];
      const [px, py] = [lon * scale, lat];
      const length = (bx - ax) ** 2 + (by - ay) ** 2;
      const t = length ? Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length)) : 0;
      best = Math.min(best, Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay))));
    }
  }
  return best;
}

/** Whether a reported point is accepted as in the Gaza Strip: inside one of the five governorates' polygons, or within the tolerance of them. */
function nearGazaStrip(latitude: number, longitude: number): boolean {
  return governorateAt(latitude, longitude) !== null || distanceToPolygons(latitude, longitude) <= TOLERANCE;
}

/** Why a reported pair of coordinates is refused (a write or an import), or null when it lies in the Gaza Strip. */
export function coordinateProblem(latitude: number, longitude: number): string | null {
  if (nearGazaStrip(latitude, longitude)) return null;
  if (nearGazaStrip(longitude, latitude)) {
    return `The point (${latitude}, ${longitude}) lies outside the Gaza Strip; latitude and longitude look swapped (the Strip lies near latitude 31.4, longitude 34.4)`;
  }
  return `The point (${latitude}, ${longitude}) lies outside the Gaza Strip (about latitude 31.22 to 31.60, longitude 34.22 to 34.57); give WGS 84 decimal degrees of a place in the Strip`;
}

/**
 * Coordinates come in pairs and lie in the Gaza Strip: why a reported pair (either half may be absent) is refused, with
 * `missing` naming the absent half; null when both are absent or the point lies in the Strip.
 */
export function coordinatesProblem(latitude: number | null | undefined, longitude: number | null | undefined): { missing?: 'latitude' | 'longitude'; message: string } | null {
  const hasLatitude = latitude !== null && latitude !== undefined;
  const hasLongitude = longitude !== null && longitude !== undefined;
  if (!hasLatitude && !hasLongitude) return null;
  if (!hasLatitude) return { missing: 'latitude', message: 'Give the latitude with the longitude, or neither' };
  if (!hasLongitude) return { missing: 'longitude', message: 'Give the longitude with the latitude, or neither' };
  const problem = coordinateProblem(latitude, longitude);
  return problem ? { message: problem } : null;
}
