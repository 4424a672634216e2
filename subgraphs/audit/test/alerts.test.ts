import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditTrail, FileAuditSink, hmacAuditKey, loadAlertConfig, type AuditEventContent, type AuditMarkings } from '@cmcc/audit-trail';
import { ConfigError, createLogger, type AccessMarking, type Principal } from '@cmcc/subgraph-kit';
import { TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { startAuditSubgraphOver, TEST_AUDIT_SIGNING_KEY } from './trail.ts';

// The alert rules over a trail of known events, written by the gateway's own writer through a sink that fails first
// (so the trail holds the notice of that outage). The expected answers follow the rules as configured here:
//   sensitive-reads:    one principal read more than 3 distinct records marked CONFIDENTIAL or above within 10 minutes;
//   repeated-forbidden: requests naming one record were refused it more than 2 times within 5 minutes;
//   audit-sink-failure: a sink outage within the last 60 minutes.
// Windows end at the moment looked at and include both ends.

const ENV = {
  AUDIT_ALERT_READS_CLASSIFICATION: 'CONFIDENTIAL',
  AUDIT_ALERT_READS_THRESHOLD: '3',
  AUDIT_ALERT_READS_WINDOW_MINUTES: '10',
  AUDIT_ALERT_FORBIDDEN_THRESHOLD: '2',
  AUDIT_ALERT_FORBIDDEN_WINDOW_MINUTES: '5',
  AUDIT_ALERT_SINK_WINDOW_MINUTES: '60',
  AUDIT_ALERT_EVALUATION_SECONDS: '0',
};

const auditor = (subject: string, nation: string): Principal =>
  Object.freeze({ ...TEST_PRINCIPAL, subject, nation, organization: 'CMCC', roles: ['auditor'], scopes: ['audit:read'], clearance: 'SECRET', participant: true });
const US = auditor('us-auditor', 'USA');
const GBR = auditor('gbr-auditor', 'GBR');

const OPEN: AccessMarking = { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC', recipients: [], caveats: [] };
const RESTRICTED_FVEY: AccessMarking = { classification: 'RESTRICTED', releasableTo: ['FVEY'], tlp: 'AMBER', originator: 'GBR', recipients: [], caveats: [] };
const CONFIDENTIAL_FVEY: AccessMarking = { classification: 'CONFIDENTIAL', releasableTo: ['FVEY'], tlp: 'AMBER', originator: 'USA', recipients: [], caveats: [] };
const SECRET_USA: AccessMarking = { classification: 'SECRET', releasableTo: ['USA'], tlp: 'AMBER', originator: 'USA', recipients: [], caveats: [] };

const time = (hour: number, minute: number, second = 0) => new Date(Date.UTC(2025, 10, 2, hour, minute, second)).toISOString();
const complete = (...records: AccessMarking[]): AuditMarkings => ({ complete: true, records });

function read(id: string, at: string, subject: string, keys: string[], marking: AccessMarking): AuditEventContent {
  return {
    id,
    time: at,
    requestId: `gw-${id}`,
    principal: { subject, nation: subject.startsWith('gbr') ? 'GBR' : 'USA', organization: 'CMCC', roles: [], clearance: 'SECRET' },
    client: { name: 'dashboard', version: '1.0' },
    operation: { name: 'Incidents', type: 'query', hash: 'a'.repeat(64), document: 'query Incidents { x }' },
    variables: null,
    fields: ['Query.incidents'],
    entities: keys.map((key) => ({ field: 'incidents', type: key.startsWith('PS') ? 'Area' : 'SecurityIncident', key })),
    subgraphs: ['security'],
    authorization: { removed: [], withheld: [] },
    outcome: { status: 'OK', httpStatus: 200, errorCodes: [], errorCount: 0 },
    durationMs: 4,
    markings: complete(marking),
  };
}

function refused(id: string, at: string, subject: string, key: string): AuditEventContent {
  return {
    ...read(id, at, subject, [], OPEN),
    principal: { subject, nation: null, organization: subject, roles: [], clearance: 'UNCLASSIFIED' },
    operation: { name: 'Site', type: 'query', hash: 'b'.repeat(64), document: 'query Site($id: ID!) { displacementSite(id: $id) { id } }' },
    variables: { id: key },
    authorization: { removed: [], withheld: [{ path: 'displacementSite', service: 'civil-administration', key, type: 'DisplacementSite' }] },
    outcome: { status: 'PARTIAL', httpStatus: 200, errorCodes: ['FORBIDDEN'], errorCount: 1 },
    markings: { complete: false, records: [] },
  };
}

const EVENTS: AuditEventContent[] = [
  read('r1', time(10, 0), 'us-analyst', ['INC-1', 'INC-2'], SECRET_USA),
  read('g1', time(10, 1), 'gbr-analyst', ['INC-11', 'INC-12', 'INC-13', 'INC-14'], RESTRICTED_FVEY), // below CONFIDENTIAL: not counted
  read('r2', time(10, 4), 'us-analyst', ['INC-2', 'INC-3'], SECRET_USA), // INC-2 again: distinct records count once
  read('r5', time(10, 5), 'us-analyst', ['PS0255'], OPEN), // not counted
  read('r3', time(10, 9), 'us-analyst', ['INC-4'], CONFIDENTIAL_FVEY),
  read('r4', time(10, 20), 'us-analyst', ['INC-5'], SECRET_USA),
  refused('f1', time(11, 0), 'wfp', 'SITE-9'),
  refused('f2', time(11, 2), 'wfp', 'SITE-9'),
  refused('f4', time(11, 3), 'wfp', 'SITE-8'),
  refused('f3', time(11, 4), 'ngo-x', 'SITE-9'),
  refused('f5', time(11, 20), 'wfp', 'SITE-9'),
];

/** Writes the trail through a sink that fails until the folder it writes to can be made, as an unwritable disk would. */
async function writeThroughAnOutage(env: Record<string, string>): Promise<void> {
  const dir = path.join(env.DATA_DIR, 'audit');
  fs.writeFileSync(dir, 'a file where the audit folder should be');
  const trail = new AuditTrail({
    sink: new FileAuditSink(dir),
    key: hmacAuditKey(TEST_AUDIT_SIGNING_KEY),
    logger: createLogger('test', 'silent'),
    bufferSize: 100,
    batchSize: 50,
    checkpointEvery: 1000,
    checkpointSeconds: 3600,
    failOpen: false,
    retryMaxMs: 20,
  });
  for (const event of EVENTS) trail.append(event, trail.admit());
  await vi.waitFor(() => expect(trail.stats.sinkHealthy).toBe(false));
  fs.rmSync(dir);
  expect(await trail.flush()).toBe(true);
  await trail.close();
}

const REPORT = `from to verified withheldEvents chains { chain ok }
  rules { name kind threshold windowMinutes classification alerts }
  alerts { rule kind firedAt windowStart windowEnd count threshold principal principals record { type key } redacted
           events { id redacted } outages { chain since until refusedOperations droppedEvents } }`;

let subgraph: TestSubgraph;
let audit: Awaited<ReturnType<typeof startAuditSubgraphOver>>;
let outage: { since: string; until: string };
beforeAll(async () => {
  audit = await startAuditSubgraphOver(EVENTS, { env: ENV, write: writeThroughAnOutage });
  ({ subgraph } = audit);
  const notice = fs
    .readFileSync(path.join(audit.dir, 'audit', 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .find((record) => record.kind === 'notice' && record.notice === 'sink-unavailable');
  outage = notice.details;
});
afterAll(() => audit?.close());

async function alerts(principal: Principal, period: { from?: string; to?: string } = {}) {
  const { data, errors } = await subgraph.execute(`query($from: DateTime, $to: DateTime) { auditAlerts(from: $from, to: $to) { ${REPORT} } }`, period, principal);
  expect(errors).toBeUndefined();
  return data.auditAlerts;
}
const moment = (at: string) => ({ from: at, to: at });
const byRule = (report: { alerts: any[] }, rule: string) => report.alerts.filter((alert) => alert.rule === rule);

describe('the rules', () => {
  it('are the ones configured, each described', async () => {
    const report = await alerts(US, moment(time(9, 0)));
    expect(report.rules).toEqual([
      { name: 'sensitive-reads', kind: 'SENSITIVE_READS', threshold: 3, windowMinutes: 10, classification: 'CONFIDENTIAL', alerts: 0 },
      { name: 'repeated-forbidden', kind: 'REPEATED_FORBIDDEN', threshold: 2, windowMinutes: 5, classification: null, alerts: 0 },
      { name: 'audit-sink-failure', kind: 'SINK_FAILURE', threshold: 0, windowMinutes: 60, classification: null, alerts: 0 },
    ]);
    expect(report.alerts).toEqual([]);
    expect(report).toMatchObject({ verified: true, chains: [{ chain: 'audit.jsonl', ok: true }] });
  });

  it('are switched off by a threshold of 0 (the sink rule: a window of 0), and bad settings are refused by name', () => {
    expect(loadAlertConfig({ AUDIT_ALERT_READS_THRESHOLD: '0', AUDIT_ALERT_SINK_WINDOW_MINUTES: '0' }).rules.map((rule) => rule.name)).toEqual(['repeated-forbidden']);
    expect(() => loadAlertConfig({ AUDIT_ALERT_READS_CLASSIFICATION: 'TOP_SECRET', AUDIT_ALERT_FORBIDDEN_WINDOW_MINUTES: '0' })).toThrow(ConfigError);
    expect(() => loadAlertConfig({ AUDIT_ALERT_READS_CLASSIFICATION: 'TOP_SECRET' })).toThrow(/AUDIT_ALERT_READS_CLASSIFICATION/);
  });
});

describe('sensitive-reads', () => {
  it('fires once a fourth distinct record marked CONFIDENTIAL or above is read within 10 minutes', async () => {
    const report = await alerts(US, moment(time(10, 9)));
    expect(byRule(report, 'sensitive-reads')).toEqual([
      {
        rule: 'sensitive-reads',
        kind: 'SENSITIVE_READS',
        firedAt: time(10, 9),
        windowStart: time(9, 59),
        windowEnd: time(10, 9),
        count: 4,
        threshold: 3,
        principal: 'us-analyst',
        principals: ['us-analyst'],
        record: null,
        redacted: false,
        events: [
          { id: 'r1', redacted: false },
          { id: 'r2', redacted: false },
          { id: 'r3', redacted: false },
        ],
        outages: [],
      },
    ]);
  });

  it.each([
    [time(10, 8, 59), false], // INC-1, INC-2, INC-3: three, not more than three
    [time(10, 10, 0), true], // the window [10:00:00, 10:10:00] still holds r1
    [time(10, 10, 1), false], // INC-2, INC-3, INC-4
    [time(10, 20), false], // INC-5 alone
  ])('at %s fires: %s', async (at, fires) => {
    expect(byRule(await alerts(US, moment(at)), 'sensitive-reads')).toHaveLength(fires ? 1 : 0);
  });

  it('over a period, says when it first fired and the window with the most records', async () => {
    const [alert] = byRule(await alerts(US, { from: time(10, 0), to: time(10, 30) }), 'sensitive-reads');
    expect(alert).toMatchObject({ firedAt: time(10, 9), windowStart: time(9, 59), windowEnd: time(10, 9), count: 4 });
  });

  it('counts for an auditor only the events released to it, and says how many it could not count', async () => {
    // r1 and r2 are SECRET releasable to USA: not to a British auditor, who counts INC-4 alone.
    const report = await alerts(GBR, moment(time(10, 9)));
    expect(byRule(report, 'sensitive-reads')).toEqual([]);
    expect(report.withheldEvents).toBe(2);
    expect((await alerts(US, moment(time(10, 9)))).withheldEvents).toBe(0);
  });
});

describe('repeated-forbidden', () => {
  it('fires at the third refusal of one record within 5 minutes, naming who was refused but not the record (withheld from every auditor)', async () => {
    const report = await alerts(GBR, moment(time(11, 4)));
    expect(byRule(report, 'repeated-forbidden')).toEqual([
      {
        rule: 'repeated-forbidden',
        kind: 'REPEATED_FORBIDDEN',
        firedAt: time(11, 4),
        windowStart: time(10, 59),
        windowEnd: time(11, 4),
        count: 3,
        threshold: 2,
        principal: null,
        principals: ['ngo-x', 'wfp'],
        record: null,
        redacted: true,
        events: [
          { id: 'f1', redacted: true },
          { id: 'f2', redacted: true },
          { id: 'f3', redacted: true },
        ],
        outages: [],
      },
    ]);
    expect(JSON.stringify(report)).not.toContain('SITE-9');
  });

  it.each([
    [time(11, 3, 59), false], // two refusals of SITE-9 (and one of SITE-8)
    [time(11, 5, 0), true], // [11:00, 11:05] still holds f1
    [time(11, 5, 30), false], // f2 and f3
    [time(11, 20), false], // f5 alone
  ])('at %s fires: %s', async (at, fires) => {
    expect(byRule(await alerts(US, moment(at)), 'repeated-forbidden')).toHaveLength(fires ? 1 : 0);
  });
});

describe('audit-sink-failure', () => {
  it('fires now: the trail holds the notice of the outage its writer went through', async () => {
    const [alert] = byRule(await alerts(US), 'audit-sink-failure');
    expect(alert).toMatchObject({ kind: 'SINK_FAILURE', count: 1, principal: null, record: null, events: [] });
    expect(alert.outages).toEqual([{ chain: 'audit.jsonl', since: outage.since, until: outage.until, refusedOperations: 0, droppedEvents: 0 }]);
  });

  it.each([
    [59, true],
    [61, false],
  ])('%i minutes after the outage ended fires: %s', async (minutes, fires) => {
    const at = new Date(Date.parse(outage.until) + minutes * 60_000).toISOString();
    expect(byRule(await alerts(US, moment(at)), 'audit-sink-failure')).toHaveLength(fires ? 1 : 0);
  });

  it('is in the metric cmcc_audit_alerts_firing, with the other rules at 0', async () => {
    const text = await (await fetch(`${subgraph.url}/metrics`)).text();
    const value = (rule: string) => new RegExp(`^cmcc_audit_alerts_firing\\{[^}]*rule="${rule}"[^}]*\\} (\\d+)$`, 'm').exec(text)?.[1];
    expect({ sink: value('audit-sink-failure'), reads: value('sensitive-reads'), forbidden: value('repeated-forbidden') }).toEqual({ sink: '1', reads: '0', forbidden: '0' });
  });
});
