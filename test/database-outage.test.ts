import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanitarian } from '@cmcc/subgraph-humanitarian/server';
import { dropSchema, postgresAvailable, TEST_DATABASE_URL, uniqueSchema } from '@cmcc/test-support/services';
import { startTcpProxy, type TcpProxy } from '@cmcc/test-support/faulty-proxy';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';

/**
 * A subgraph whose Postgres goes away and comes back, played by a TCP proxy in front of the shared server (which keeps
 * running: others use it). The subgraph answers SERVICE_UNAVAILABLE meanwhile, writes nothing half, and recovers.
 */

const available = await postgresAvailable();
const schema = uniqueSchema('outage');
let proxy: TcpProxy;
let subgraph: TestSubgraph;

const RECORD = `mutation($input: RecordCrossingReportInput!, $key: String) {
  recordCrossingReport(input: $input, idempotencyKey: $key) { crossingDailyReport { id } userErrors { code message } }
}`;
const REPORT = {
  crossingId: 'KEREM_SHALOM',
  date: '2026-01-20',
  source: 'UN2720',
  open: true,
  trucksOffloaded: 10,
  trucksCollected: 9,
  tonnes: 120,
  fuelLitres: 0,
  marking: { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' },
};

beforeAll(async () => {
  if (!available) return;
  const target = new URL(TEST_DATABASE_URL);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  const proxied = new URL(TEST_DATABASE_URL);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  subgraph = await startTestSubgraph(humanitarian, { databaseUrl: proxied.toString(), schema, seed: 'synthetic' });
}, 60_000);

afterAll(async () => {
  if (!available) return;
  proxy?.restore();
  await subgraph?.close();
  await proxy?.close();
  await dropSchema(schema);
});

const ready = async () => (await fetch(`${subgraph.url}/ready`)).status;
const count = async (table: string, where = 'TRUE') => (await subgraph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`))[0].n;

describe.skipIf(!available)('a subgraph whose database is down', () => {
  it('answers SERVICE_UNAVAILABLE with an actionable message (not a masked internal error), says unavailable on /ready, and recovers by itself', async () => {
    expect((await subgraph.execute('{ crossings { id } }')).errors).toBeUndefined();
    expect(await ready()).toBe(200);

    proxy.cut();
    const read = await subgraph.execute('{ crossings { id } }');
    expect(read.errors?.[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', serviceName: 'humanitarian' });
    expect(read.errors?.[0].message).toMatch(/humanitarian database is unavailable.*Try again shortly/);
    expect(JSON.stringify(read)).not.toMatch(/ECONN|5432|Connection terminated|at .*\.ts/);
    const write = await subgraph.execute(RECORD, { input: REPORT, key: 'outage-1' });
    expect(write.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(await ready()).toBe(503);

    proxy.restore();
    // The pool opens new connections on demand: the next request works, no restart.
    expect(await ready()).toBe(200);
    expect((await subgraph.execute('{ crossings { id } }')).errors).toBeUndefined();
    const retried = await subgraph.execute(RECORD, { input: REPORT, key: 'outage-1' });
    expect(retried.errors).toBeUndefined();
    expect(retried.data.recordCrossingReport.crossingDailyReport.id).toBe('CDR-KEREM_SHALOM-2026-01-20-UN2720');
  });

  it('writes nothing of a mutation whose connection is lost halfway: the record, its history and its idempotency key are one transaction', async () => {
    const id = 'CDR-KEREM_SHALOM-2026-01-21-UN2720';
    const seen: string[] = [];
    // Cut the database exactly when the history row is about to be written, after the record itself was inserted.
    const stop = subgraph.db.onQuery((sql) => {
      seen.push(sql);
      if (sql.includes('INSERT INTO record_change')) proxy.cut();
    });
    let response;
    try {
      response = await subgraph.execute(RECORD, { input: { ...REPORT, date: '2026-01-21' }, key: 'outage-2' });
    } finally {
      stop();
      proxy.restore();
    }
    expect(seen.some((sql) => /INSERT INTO crossing_daily_report/i.test(sql))).toBe(true);
    expect(response.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(await count('crossing_daily_report', `id = '${id}'`)).toBe(0);
    expect(await count('record_change', `entity_id = '${id}'`)).toBe(0);
    expect(await count('idempotency_key', `key = 'outage-2'`)).toBe(0);

    const again = await subgraph.execute(RECORD, { input: { ...REPORT, date: '2026-01-21' }, key: 'outage-2' });
    expect(again.data.recordCrossingReport.crossingDailyReport.id).toBe(id);
    expect(await count('record_change', `entity_id = '${id}'`)).toBe(1);
  });
});
