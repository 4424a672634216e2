import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanitarian } from '../src/server.ts';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { openEventStream } from '@cmcc/test-support/change-events';
import { requestConvoyIn } from '@cmcc/test-support/convoys';

/**
 * A subgraph publishes its writes as change events at GET /events (docs/live-data.md): one per record_change row, in
 * id order, to the gateway only; a resume after an id gives exactly what followed it, unless that is older than the
 * retention (RESUME_WINDOW_EXCEEDED).
 */

let subgraph: TestSubgraph;
const target = () => ({ url: subgraph.url, name: 'humanitarian' });
beforeAll(async () => {
  subgraph = await startTestSubgraph(humanitarian, { events: { retentionHours: 1, pollMs: 50 } });
});
afterAll(async () => {
  await subgraph?.close();
});

const requestConvoy = () => requestConvoyIn(subgraph);

describe('GET /events', () => {
  it('streams each write as an event as it commits, with the history row id as event id', async () => {
    const stream = await openEventStream(target());
    try {
      const convoyId = await requestConvoy();
      const event = await stream.next();
      const [row] = await subgraph.db.query<{ id: string }>(`SELECT id::text AS id FROM record_change WHERE entity_type = 'Convoy' AND entity_id = $1`, [convoyId]);
      expect(event).toEqual({ id: row.id, subgraph: 'humanitarian', entityType: 'Convoy', entityId: convoyId, version: 1, operation: 'CREATE', changedAt: expect.any(String) });
    } finally {
      stream.close();
    }
  });

  it('finds a write made by another process (straight into the database) on its poll', async () => {
    const stream = await openEventStream(target());
    try {
      await subgraph.db.query(
        `INSERT INTO record_change (entity_type, entity_id, version, operation, changed_by, via, changes) VALUES ('Convoy', 'CONVOY-ELSEWHERE', 2, 'UPDATE', 'importer', 'IMPORT:test', '{}')`,
      );
      expect(await stream.next()).toMatchObject({ entityType: 'Convoy', entityId: 'CONVOY-ELSEWHERE', version: 2, operation: 'UPDATE' });
    } finally {
      stream.close();
    }
  });

  it('resumes after an id (query or Last-Event-ID) with exactly the events that followed, in order, then new ones', async () => {
    const first = await requestConvoy();
    const [{ id: afterId }] = await subgraph.db.query<{ id: string }>(`SELECT id::text AS id FROM record_change WHERE entity_id = $1`, [first]);
    const missed = [await requestConvoy(), await requestConvoy()];
    const streams = [await openEventStream(target(), `?after=${afterId}`), await openEventStream(target(), '', undefined, { 'last-event-id': afterId })];
    try {
      for (const stream of streams) expect([(await stream.next()).entityId, (await stream.next()).entityId]).toEqual(missed);
      const live = await requestConvoy();
      for (const stream of streams) expect((await stream.next()).entityId).toBe(live);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it('refuses a caller that is not the gateway with 401 and a message', async () => {
    const stream = await openEventStream(target(), '', null);
    expect(stream.status).toBe(401);
    expect(stream.body.errors[0].message).toMatch(/gateway/);
  });

  it('refuses a resume older than the retention with 410 RESUME_WINDOW_EXCEEDED, and accepts one within it', async () => {
    const ids = [await requestConvoy(), await requestConvoy(), await requestConvoy()];
    const rows = await subgraph.db.query<{ id: string }>(`SELECT id::text AS id FROM record_change WHERE entity_id = ANY($1) ORDER BY id`, [ids]);
    // The first two were written two hours ago: the retention is one hour.
    await subgraph.db.query(`UPDATE record_change SET changed_at = now() - interval '2 hours' WHERE id <= $1::bigint`, [rows[1].id]);
    const tooOld = await openEventStream(target(), `?after=${rows[0].id}`);
    expect(tooOld.status).toBe(410);
    expect(tooOld.body.errors[0].extensions).toEqual({ code: 'RESUME_WINDOW_EXCEEDED', oldestRetainedId: rows[2].id });
    const within = await openEventStream(target(), `?after=${rows[1].id}`);
    try {
      expect((await within.next()).id).toBe(rows[2].id);
    } finally {
      within.close();
    }
  });
});
