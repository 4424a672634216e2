import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { startStack, type TestStack } from '@cmcc/test-support/stack';

/**
 * Synthetic geography is real geography (DOMAIN.md): every synthetic coordinate of every seeded record lies inside the
 * governorate its record names and west of the Yellow Line; synthetic populations sum to the real ~2.1 M in the
 * governorates' real proportions; and controlShare and yellowLineSide answer through the gateway. Points are judged here
 * by a point-in-polygon of this file's own over the shipped GeoJSON, not by the kit's functions.
 */

type Position = [number, number];
const dir = path.join(PROJECT_ROOT, 'packages', 'subgraph-kit', 'geography');
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
const GOVERNORATES: { pcode: string; ring: Position[] }[] = read('governorates.geojson').features.map(
  (f: { properties: { pcode: string }; geometry: { coordinates: Position[][] } }) => ({ pcode: f.properties.pcode, ring: f.geometry.coordinates[0] }),
);
const LINE: Position[] = read('yellow-line.geojson').features[0].geometry.coordinates;

function inside(ring: Position[], lon: number, lat: number): boolean {
  let result = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) result = !result;
  }
  return result;
}
const governorateOf = (lat: number, lon: number) => GOVERNORATES.find((g) => inside(g.ring, lon, lat))?.pcode ?? null;
/** East of the line: inside the line closed through points far to the east of its two ends (it runs south to north). */
const EAST: Position[] = [...LINE, [36, LINE[LINE.length - 1][1]], [36, LINE[0][1]], LINE[0]];
const eastOfLine = (lat: number, lon: number) => inside(EAST, lon, lat);

/** MoI civil registry, end of 2020 [R] (DOMAIN.md), by governorate. */
const REGISTRY: Record<string, number> = { PS0255: 368_721, PS0260: 847_712, PS0265: 316_144, PS0270: 439_729, PS0275: 281_755 };

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const SEEDED_POINTS = [
  ['civil-administration', 'displacement_site'],
  ['engineering', 'facility'],
  ['engineering', 'explosive_hazard_task'],
  ['security', 'security_incident'],
] as const;

describe('seeded coordinates', () => {
  it.each(SEEDED_POINTS)('%s %s: every synthetic point lies in its governorate and west of the Yellow Line', async (subgraph, table) => {
    const rows = await stack.subgraphs[subgraph].db.query<{ id: string; area_pcode: string; latitude: number; longitude: number }>(
      `SELECT id, area_pcode, latitude, longitude FROM ${table} WHERE source = 'SYNTHETIC' AND latitude IS NOT NULL`,
    );
    expect(rows.length).toBeGreaterThan(10);
    const misplaced = rows.filter((r) => governorateOf(Number(r.latitude), Number(r.longitude)) !== r.area_pcode.slice(0, 6));
    const east = rows.filter((r) => eastOfLine(Number(r.latitude), Number(r.longitude)));
    expect(misplaced.map((r) => `${r.id} ${r.area_pcode} ${r.latitude},${r.longitude}`)).toEqual([]);
    expect(east.map((r) => r.id)).toEqual([]);
  });

  it('no seeded record anywhere has a coordinate outside the Strip', async () => {
    for (const [subgraph, table] of SEEDED_POINTS) {
      const rows = await stack.subgraphs[subgraph].db.query<{ id: string; latitude: number; longitude: number }>(
        `SELECT id, latitude, longitude FROM ${table} WHERE latitude IS NOT NULL`,
      );
      expect(rows.filter((r) => governorateOf(Number(r.latitude), Number(r.longitude)) === null).map((r) => r.id)).toEqual([]);
    }
  });
});

describe('seeded populations', () => {
  it('synthetic populations sum to about 2.1 M, each governorate within a point of its civil-registry share', async () => {
    const rows = await stack.subgraphs['civil-administration'].db.query<{ area_pcode: string; value: number }>(
      `SELECT area_pcode, value FROM population_estimate WHERE source = 'SYNTHETIC'`,
    );
    const total = rows.reduce((sum, r) => sum + Number(r.value), 0);
    expect(total).toBeGreaterThanOrEqual(2_000_000);
    expect(total).toBeLessThanOrEqual(2_200_000);
    const registryTotal = Object.values(REGISTRY).reduce((a, b) => a + b, 0);
    for (const [pcode, registered] of Object.entries(REGISTRY)) {
      const synthetic = rows.filter((r) => r.area_pcode.startsWith(pcode)).reduce((sum, r) => sum + Number(r.value), 0);
      expect(Math.abs(synthetic / total - registered / registryTotal)).toBeLessThan(0.01);
    }
  });

  it('keeps the real figures as they are, with their source and date', async () => {
    const rows = await stack.subgraphs['civil-administration'].db.query<{ area_pcode: string; value: number; source: string; as_of: unknown }>(
      `SELECT area_pcode, value, source, as_of::text AS as_of FROM population_estimate WHERE source <> 'SYNTHETIC'`,
    );
    for (const [pcode, value] of Object.entries(REGISTRY)) {
      expect(rows).toContainEqual({ area_pcode: pcode, value, source: 'MOI', as_of: '2020-12-31' });
    }
    expect(rows).toContainEqual({ area_pcode: 'PS02', value: 2_100_000, source: 'PCBS', as_of: '2025-01-01' });
  });
});

/** A nation-cleared member (may see exact locations) and a humanitarian officer without a nation (may not). */
const GBR_MEMBER = { sub: 'gbr-liaison', nation: 'GBR', org: 'CMCC', clearance: 'RESTRICTED', roles: ['member'] };
const WFP_OFFICER = { sub: 'wfp-logistics-officer', org: 'XM-DAC-41140', clearance: 'UNCLASSIFIED', roles: ['member'], wg: ['humanitarian'] };

describe('the Yellow Line through the gateway', () => {
  it('answers controlLine, controlLines and Area.controlShare (53% ± 3 of the Strip) across subgraphs', async () => {
    const { data, errors } = await stack.query(
      `{ controlLine(at: "2025-10-15T00:00:00Z") { id validFrom validTo source description geometry { type coordinates } }
         before: controlLine(at: "2025-10-01T00:00:00Z") { id }
         controlLines { id }
         strip: area(pcode: "PS02") { name controlShare(at: "2025-10-15T00:00:00Z") }
         rafah: area(pcode: "PS0275") { name controlShare(at: "2025-10-15T00:00:00Z") before: controlShare(at: "2025-10-01T00:00:00Z") }
         locality: area(pcode: "PS026001") { controlShare(at: "2025-10-15T00:00:00Z") } }`,
    );
    expect(errors).toBeUndefined();
    expect(data.controlLine).toMatchObject({ validFrom: '2025-10-10T00:00:00.000Z', validTo: null, source: 'SYNTHETIC' });
    expect(data.controlLine.description).toMatch(/approximation/i);
    expect(data.controlLine.geometry.type).toBe('LineString');
    expect(data.controlLine.geometry.coordinates.length).toBeGreaterThan(2);
    expect(data.before).toBeNull();
    expect(data.controlLines).toHaveLength(1);
    expect(data.strip.name).toBe('Gaza Strip');
    expect(data.strip.controlShare).toBeGreaterThanOrEqual(0.5);
    expect(data.strip.controlShare).toBeLessThanOrEqual(0.56);
    expect(data.rafah.controlShare).toBeGreaterThan(0);
    expect(data.rafah.controlShare).toBeLessThan(1);
    expect(data.rafah.before).toBeNull();
    expect(data.locality.controlShare).toBeNull();
  });

  const SIDES = `{ incidents(filter: { areaPcode: "PS0270" }, first: 20) { edges { node { id latitude yellowLineSide(at: "2025-10-15T00:00:00Z") } } }
                  displacementSites(first: 20) { edges { node { id latitude yellowLineSide(at: "2025-10-15T00:00:00Z") } } } }`;

  it('a nation-cleared member reads which side of the line incidents and sites lie on: the synthetic ones all west', async () => {
    const { data, errors } = await stack.query(SIDES, undefined, GBR_MEMBER);
    expect(errors).toBeUndefined();
    const nodes = [...data.incidents.edges, ...data.displacementSites.edges].map((e: { node: { latitude: number | null; yellowLineSide: string | null } }) => e.node);
    const located = nodes.filter((n) => n.latitude !== null);
    expect(located.length).toBeGreaterThan(0);
    for (const node of located) expect(node.yellowLineSide).toBe('WITHDRAWN_SIDE');
    for (const node of nodes.filter((n) => n.latitude === null)) expect(node.yellowLineSide).toBeNull();
  });

  it('a principal without a nation does not learn the side of the line (it is derived from exact coordinates)', async () => {
    const { data, errors } = await stack.query(SIDES, undefined, WFP_OFFICER);
    const nodes = [...(data.incidents?.edges ?? []), ...(data.displacementSites?.edges ?? [])].map((e: { node: unknown }) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) expect(node).toMatchObject({ latitude: null, yellowLineSide: null });
    const denied = new Set(errors?.filter((e) => e.extensions?.code === 'UNAUTHORIZED_FIELD_OR_TYPE').map((e) => e.path?.slice(-1)[0]));
    expect(denied).toEqual(new Set(['latitude', 'yellowLineSide']));
  });
});
