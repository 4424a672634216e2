import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanitarian } from '../src/server.ts';
import { STREAMS } from '../src/data/flow-repository.ts';
import { startTestSubgraph, TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { cells, CellProblem, checkMarkings, importFile, markingFields, migrate, migrationSets, openDatabase, type ImportKind, type MarkingRow } from '@cmcc/subgraph-kit';
import { PROJECT_ROOT } from '@cmcc/governance/composition';

// A convoy's aid stream is what it was recorded with (null when none was given); only the synthetic seed convoys get
// the deterministic illustrative stream of migration 006, and deliveries of a convoy without a stream are counted
// apart (`withoutStream`), never under a stream.

let subgraph: TestSubgraph;
let dir: string;
beforeAll(async () => {
  subgraph = await startTestSubgraph(humanitarian);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-convoy-stream-'));
});
afterAll(async () => {
  await subgraph?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const MARKING = { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' };
const WFP = 'XM-DAC-41140';
const HOUR = 3_600_000;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
const codes = (errors: { field: string[]; code: string }[]) => errors.map((e) => `${e.field.join('.')}:${e.code}`);

/** The rule of migration 006, written again from its description: the oracle of a synthetic seed convoy's stream. */
function syntheticStream(id: string, type: string, monitored: boolean): string | null {
  if (type !== 'COLLECTION' && type !== 'DELIVERY') return null;
  if (monitored) return 'UN_2720';
  const sum = [...id].reduce((total, char) => total + char.charCodeAt(0), 0);
  return ['BILATERAL', 'PRIVATE_SECTOR', 'COMMERCIAL'][sum % 3];
}

const storedStream = async (id: string) => (await subgraph.db.query<{ stream: string | null }>('SELECT stream FROM convoy WHERE id = $1', [id]))[0].stream;

const REQUEST_CONVOY = `mutation($input: RequestConvoyInput!) {
  requestConvoy(input: $input) { convoy { id type un2720Monitored stream } userErrors { field code message } }
}`;
// Monitored by the UN 2720 mechanism: the synthetic rule would call it UN_2720, so a stream other than that (or none)
// shows that nothing was derived. Its source is SYNTHETIC on purpose: a recorded convoy, whatever its source, is not a
// seed row.
const CONVOY = {
  type: 'DELIVERY',
  requestingOrganizationIds: [WFP],
  crossingId: 'KEREM_SHALOM',
  destinationPcode: 'PS027001',
  plannedStart: '2026-12-01T06:00:00Z',
  un2720Monitored: true,
  source: 'SYNTHETIC',
  marking: MARKING,
};
const requestConvoy = async (input: Record<string, unknown>) => (await subgraph.execute(REQUEST_CONVOY, { input })).data.requestConvoy;

const ADD_CONSIGNMENT = `mutation($input: AddConsignmentInput!) { addConsignment(input: $input) { consignment { id } userErrors { field code message } } }`;
const RECORD_STAGE = `mutation($input: RecordConsignmentStageInput!) { recordConsignmentStage(input: $input) { consignment { id stage } userErrors { field code message } } }`;

/** Adds one load to a convoy and takes it to DELIVERED (offloaded 5 h ago, collected 4 h ago, delivered 2 h ago). */
async function deliverLoad(convoyId: string, load: { pallets: number; tonnes: number }): Promise<void> {
  const added = (await subgraph.execute(ADD_CONSIGNMENT, { input: { convoyId, cargoCategory: 'FOOD', ...load, offloadedAt: hoursAgo(5), source: 'PARTNER' } })).data.addConsignment;
  expect(added.userErrors).toEqual([]);
  const collected = (await subgraph.execute(RECORD_STAGE, { input: { consignmentId: added.consignment.id, version: 1, stage: 'COLLECTED', stageAt: hoursAgo(4) } })).data
    .recordConsignmentStage;
  expect(collected.userErrors).toEqual([]);
  const delivered = (await subgraph.execute(RECORD_STAGE, { input: { consignmentId: added.consignment.id, version: 2, stage: 'DELIVERED', stageAt: hoursAgo(2) } })).data
    .recordConsignmentStage;
  expect(delivered.userErrors).toEqual([]);
}

describe('requestConvoy: the stream is stored as given', () => {
  it('keeps a convoy recorded without a stream at null, even one the UN 2720 mechanism monitors and whose source is SYNTHETIC', async () => {
    const { convoy, userErrors } = await requestConvoy(CONVOY);
    expect(userErrors).toEqual([]);
    expect(convoy).toMatchObject({ un2720Monitored: true, stream: null });
    expect(await storedStream(convoy.id)).toBeNull();

    // A change that re-ran the synthetic rule under migration 006 (the UN 2720 flag) leaves a recorded convoy's stream alone.
    await subgraph.db.query('UPDATE convoy SET un2720_monitored = false WHERE id = $1', [convoy.id]);
    expect(await storedStream(convoy.id)).toBeNull();
  });

  it('keeps exactly the stream sent, whatever the synthetic rule would have said', async () => {
    for (const stream of STREAMS) {
      const { convoy, userErrors } = await requestConvoy({ ...CONVOY, stream });
      expect(userErrors).toEqual([]);
      expect(convoy.stream).toBe(stream);
      expect(await storedStream(convoy.id)).toBe(stream);
    }
    const { convoy } = await requestConvoy({ ...CONVOY, un2720Monitored: false, stream: 'UN_2720' });
    expect(convoy).toMatchObject({ un2720Monitored: false, stream: 'UN_2720' });
  });

  it('refuses a stream for a convoy that carries no cargo, and writes nothing', async () => {
    const before = (await subgraph.db.query<{ n: number }>('SELECT count(*)::int AS n FROM convoy'))[0].n;
    const { convoy, userErrors } = await requestConvoy({ ...CONVOY, type: 'ASSESSMENT', crossingId: null, un2720Monitored: false, stream: 'BILATERAL' });
    expect(convoy).toBeNull();
    expect(codes(userErrors)).toEqual(['input.stream:INVALID']);
    expect((await subgraph.db.query<{ n: number }>('SELECT count(*)::int AS n FROM convoy'))[0].n).toBe(before);
  });
});

describe('aid deliveries by stream', () => {
  it('counts loads of a convoy without a stream in withoutStream, never under a stream, and the parts add up to the source', async () => {
    const since = hoursAgo(3);
    // Destination PS0275 (Rafah governorate) and a period of the last 3 hours: only the loads below are in it.
    const unknown = (await requestConvoy({ ...CONVOY, destinationPcode: 'PS027501' })).convoy;
    const privateSector = (await requestConvoy({ ...CONVOY, destinationPcode: 'PS027501', stream: 'PRIVATE_SECTOR' })).convoy;
    await deliverLoad(unknown.id, { pallets: 20, tonnes: 10.25 });
    await deliverLoad(unknown.id, { pallets: 30, tonnes: 14.5 });
    await deliverLoad(privateSector.id, { pallets: 12, tonnes: 8 });

    const { data, errors } = await subgraph.execute(`{ _entities(representations: [{ __typename: "Area", pcode: "PS0275" }]) {
      ... on Area { aidDeliveries(since: "${since}") { bySource { source trucks tonnes pallets byStream { stream trucks tonnes pallets } withoutStream { trucks tonnes pallets } } } } } }`);
    expect(errors).toBeUndefined();
    // Expected from the loads written above: two loads (50 pallets, 24.75 t) without a stream, one (12, 8 t) PRIVATE_SECTOR.
    expect(data._entities[0].aidDeliveries.bySource).toEqual([
      {
        source: 'PARTNER',
        trucks: 3,
        tonnes: 32.75,
        pallets: 62,
        byStream: [{ stream: 'PRIVATE_SECTOR', trucks: 1, tonnes: 8, pallets: 12 }],
        withoutStream: { trucks: 2, tonnes: 24.75, pallets: 50 },
      },
    ]);
  });

  it('splits the seed deliveries of an area by the seed streams, with nothing without a stream', async () => {
    const { data, errors } = await subgraph.execute(`{ _entities(representations: [{ __typename: "Area", pcode: "PS0260" }]) {
      ... on Area { aidDeliveries(since: "2025-10-10T00:00:00Z", until: "2026-06-01T00:00:00Z") { bySource { source trucks byStream { stream trucks } withoutStream { trucks tonnes pallets } } } } } }`);
    expect(errors).toBeUndefined();
    // Expected from the rows: delivered seed loads of the seed convoys released to the test principal (by the oracle), per stream.
    const released = (await subgraph.db.query<MarkingRow & { id: string }>(`SELECT * FROM convoy WHERE destination_pcode LIKE 'PS0260%'`))
      .filter((row) => releasedToPrincipal(TEST_PRINCIPAL, row as unknown as MarkingRow))
      .map((row) => row.id);
    const expected = await subgraph.db.query<{ stream: string; trucks: number }>(
      `SELECT v.stream, count(*)::int AS trucks FROM truck_consignment c JOIN convoy v ON v.id = c.convoy_id
       WHERE c.stage = 'DELIVERED' AND c.source = 'SYNTHETIC' AND c.stage_at < '2026-06-01T00:00:00Z' AND v.id = ANY($1::text[])
       GROUP BY v.stream ORDER BY array_position(ARRAY['UN_2720', 'BILATERAL', 'PRIVATE_SECTOR', 'COMMERCIAL'], v.stream)`,
      [released],
    );
    expect(expected.length).toBeGreaterThan(1);
    expect(expected.every((row) => row.stream !== null)).toBe(true);
    const synthetic = data._entities[0].aidDeliveries.bySource.find((s: { source: string }) => s.source === 'SYNTHETIC');
    expect(synthetic.byStream).toEqual(expected);
    expect(synthetic.withoutStream).toEqual({ trucks: 0, tonnes: 0, pallets: 0 });
  });
});

describe('synthetic seed convoys', () => {
  it('still have the stream of the deterministic rule, every one of them', async () => {
    const rows = await subgraph.db.query<{ id: string; type: string; un2720_monitored: boolean; stream: string | null }>(
      `SELECT id, type, un2720_monitored, stream FROM convoy WHERE source = 'SYNTHETIC' AND recorded_via = 'SEED'`,
    );
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) expect(row.stream, row.id).toBe(syntheticStream(row.id, row.type, row.un2720_monitored));
    expect(rows.filter((row) => row.stream === null).every((row) => row.type === 'ASSESSMENT' || row.type === 'EVACUATION')).toBe(true);
  });
});

/**
 * There is no convoy import among the humanitarian import kinds; this one is the smallest a convoy file would need,
 * run through the kit's import (the path every import takes, as `IMPORT:<kind>:<file>`), with an optional stream.
 */
const convoyImport: ImportKind = {
  kind: 'convoys-test',
  description: 'Convoys (test only)',
  table: 'convoy',
  entityType: 'Convoy',
  naturalKey: ['id'],
  hxl: 'optional',
  fields: [
    { column: 'id', headers: ['id'], required: true },
    { column: 'type', headers: ['type'], required: true, parse: cells.oneOf(['COLLECTION', 'DELIVERY', 'ASSESSMENT', 'EVACUATION']) },
    { column: 'destination_pcode', headers: ['destination'], required: true },
    {
      column: 'planned_start',
      headers: ['planned_start'],
      required: true,
      parse: (text) => {
        if (Number.isNaN(Date.parse(text))) throw new CellProblem('Not a date and time');
        return new Date(text);
      },
    },
    { column: 'un2720_monitored', headers: ['un2720_monitored'], parse: (text) => text === 'true', default: false },
    { column: 'stream', headers: ['stream'], parse: cells.oneOf(STREAMS), default: null },
    { column: 'source', headers: ['source'], required: true },
    ...markingFields(),
  ],
  toRow: (values) => ({ ...values, status: 'REQUESTED' }),
  checkBatch: async (_tx, rows) => checkMarkings(rows),
};

describe('imported convoys', () => {
  it('keep the stream of the file, and null when the file gives none', async () => {
    const file = path.join(dir, 'convoys.csv');
    fs.writeFileSync(
      file,
      [
        'id,type,destination,planned_start,un2720_monitored,stream,source',
        'CONVOY-IMP-NONE,DELIVERY,PS025501,2026-11-20T06:00:00Z,true,,UN2720',
        'CONVOY-IMP-COMM,COLLECTION,PS025501,2026-11-20T06:00:00Z,true,COMMERCIAL,UN2720',
        'CONVOY-IMP-SYN,DELIVERY,PS025501,2026-11-20T06:00:00Z,false,,SYNTHETIC',
      ].join('\n'),
    );
    const marking = { classification: 'UNCLASSIFIED' as const, releasableTo: ['CMCC'], tlp: 'GREEN' as const, originator: 'CMCC', recipients: [], caveats: [] };
    const report = await importFile(subgraph.db, convoyImport, file, { subject: 'import:test', marking });
    expect(report).toMatchObject({ committed: true, created: 3, problems: [] });
    const rows = await subgraph.db.query<{ id: string; stream: string | null; recorded_via: string }>(
      `SELECT id, stream, recorded_via FROM convoy WHERE id LIKE 'CONVOY-IMP-%' ORDER BY id`,
    );
    expect(rows.map((row) => [row.id, row.stream])).toEqual([
      ['CONVOY-IMP-COMM', 'COMMERCIAL'],
      ['CONVOY-IMP-NONE', null],
      ['CONVOY-IMP-SYN', null],
    ]);
    for (const row of rows) expect(row.recorded_via).toMatch(/^IMPORT:/);
    const { data } = await subgraph.execute(`{ convoy(id: "CONVOY-IMP-COMM") { stream } }`);
    expect(data.convoy.stream).toBe('COMMERCIAL');
  });
});

describe('migration 007 on a database migrated to 006', () => {
  it('resets the derived stream of recorded convoys to null, keeps an explicit one and the seed rows', async () => {
    const source = path.join(PROJECT_ROOT, 'subgraphs', 'humanitarian', 'src', 'data', 'migrations');
    const group = path.join(dir, 'group');
    fs.mkdirSync(group);
    for (const file of fs.readdirSync(source).filter((name) => name < '007')) fs.copyFileSync(path.join(source, file), path.join(group, file));
    const db = await openDatabase({ schema: 'humanitarian' });
    try {
      const sets = migrationSets(path.join(PROJECT_ROOT, 'packages', 'subgraph-kit', 'migrations'), group);
      await migrate(db, sets);
      const insert = (id: string, monitored: boolean, source: string, via: string) =>
        db.query(
          `INSERT INTO convoy (id, type, destination_pcode, planned_start, status, un2720_monitored, source, classification, tlp, originator, recorded_via)
           VALUES ($1, 'DELIVERY', 'PS0255', '2026-11-01T06:00:00Z', 'REQUESTED', $2, $3, 'UNCLASSIFIED', 'GREEN', 'CMCC', $4)`,
          [id, monitored, source, via],
        );
      await insert('CONVOY-SEED', true, 'SYNTHETIC', 'SEED');
      await insert('CONVOY-RECORDED', true, 'PARTNER', 'MUTATION:requestConvoy');
      await insert('CONVOY-EXPLICIT', true, 'PARTNER', 'MUTATION:requestConvoy');
      // Under 006 every cargo convoy got the rule's stream; the one way to give another was an UPDATE of the stream alone.
      await db.query(`UPDATE convoy SET stream = 'BILATERAL' WHERE id = 'CONVOY-EXPLICIT'`);
      const streams = async () =>
        Object.fromEntries((await db.query<{ id: string; stream: string | null }>('SELECT id, stream FROM convoy ORDER BY id')).map((r) => [r.id, r.stream]));
      expect(await streams()).toEqual({ 'CONVOY-EXPLICIT': 'BILATERAL', 'CONVOY-RECORDED': 'UN_2720', 'CONVOY-SEED': 'UN_2720' });

      fs.copyFileSync(path.join(source, '007_convoy_stream_recorded.sql'), path.join(group, '007_convoy_stream_recorded.sql'));
      expect(await migrate(db, sets)).toEqual(['007_convoy_stream_recorded']);
      expect(await streams()).toEqual({ 'CONVOY-EXPLICIT': 'BILATERAL', 'CONVOY-RECORDED': null, 'CONVOY-SEED': 'UN_2720' });
    } finally {
      await db.close();
    }
  });
});
