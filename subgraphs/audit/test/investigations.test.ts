import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventContent, AuditMarkings } from '@cmcc/audit-trail';
import type { AccessMarking, Principal } from '@cmcc/subgraph-kit';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { startAuditSubgraphOver } from './trail.ts';

// The investigation queries over a trail of known events, written by the gateway's own writer. The expected answers
// are written from the queries' descriptions and releasability rule v2: a search by record or marking finds only events
// whose payload the auditor is released (the others of the period are counted as undetermined, never listed); a
// search by principal or failure lists every matching event, redacted where the payload is withheld.

const auditor = (subject: string, nation: string): Principal =>
  Object.freeze({ ...TEST_PRINCIPAL, subject, nation, organization: 'CMCC', roles: ['auditor'], scopes: ['audit:read'], clearance: 'SECRET', participant: true });
const US = auditor('us-auditor', 'USA');
const GBR = auditor('gbr-auditor', 'GBR');

const OPEN: AccessMarking = { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC', recipients: [], caveats: [] };
const FVEY_RESTRICTED: AccessMarking = { classification: 'RESTRICTED', releasableTo: ['FVEY'], tlp: 'AMBER', originator: 'GBR', recipients: [], caveats: [] };
const SECRET_USA: AccessMarking = { classification: 'SECRET', releasableTo: ['USA'], tlp: 'AMBER', originator: 'USA', recipients: [], caveats: [] };
const NOFORN_USA: AccessMarking = { classification: 'CONFIDENTIAL', releasableTo: ['USA'], tlp: 'AMBER', originator: 'USA', recipients: [], caveats: ['NOFORN'] };

const complete = (...records: AccessMarking[]): AuditMarkings => ({ complete: true, records });
const UNKNOWN: AuditMarkings = { complete: false, records: [] };
const at = (minutes: number) => new Date(Date.UTC(2025, 10, 1, 8, minutes)).toISOString();
const who = (subject: string, nation: string | null, organization: string) => ({ subject, nation, organization, roles: [], clearance: 'SECRET' });
const OK = { status: 'OK' as const, httpStatus: 200, errorCodes: [], errorCount: 0 };

function event(id: string, minutes: number, overrides: Partial<AuditEventContent>): AuditEventContent {
  return {
    id,
    time: at(minutes),
    requestId: `gw-${id}`,
    principal: who('us-analyst', 'USA', 'CMCC'),
    client: { name: 'dashboard', version: '1.0' },
    operation: { name: 'Read', type: 'query', hash: 'a'.repeat(64), document: 'query Read { x }' },
    variables: null,
    fields: ['Query.x'],
    entities: [],
    subgraphs: ['civil-administration'],
    authorization: { removed: [], withheld: [] },
    outcome: OK,
    durationMs: 5,
    markings: complete(),
    ...overrides,
  };
}

const SITE = { type: 'DisplacementSite', key: 'SITE-1' };
// In trail order (seq 1..11): `late` is last so that editing it breaks the chain after every other event.
const EVENTS: AuditEventContent[] = [
  event('site-list', 0, {
    entities: [
      { field: 'displacementSites', ...SITE },
      { field: 'displacementSites', type: 'Area', key: 'PS0255', path: 'displacementSites.edges.0.node.area', via: 'Query.displacementSites > DisplacementSite.area' },
    ],
    markings: complete(OPEN),
  }),
  event('incident-near-site', 5, {
    principal: who('gbr-analyst', 'GBR', 'CMCC'),
    entities: [
      { field: 'incident', type: 'SecurityIncident', key: 'INC-7' },
      { field: 'incident', ...SITE, path: 'incident.site', via: 'Query.incident > SecurityIncident.site' },
    ],
    markings: complete(OPEN, FVEY_RESTRICTED),
  }),
  event('site-written', 10, {
    principal: who('ca-editor', 'GBR', 'CMCC'),
    operation: { name: 'UpsertSite', type: 'mutation', hash: 'b'.repeat(64), document: 'mutation UpsertSite { x }' },
    entities: [
      { field: 'upsertDisplacementSite', ...SITE, version: 3 },
      {
        field: 'upsertDisplacementSite',
        type: 'Area',
        key: 'PS0255',
        path: 'upsertDisplacementSite.displacementSite.area',
        via: 'Mutation.upsertDisplacementSite > UpsertDisplacementSitePayload.displacementSite > DisplacementSite.area',
      },
    ],
    changes: [{ field: 'upsertDisplacementSite', arguments: { input: { id: 'SITE-1' } }, records: [{ ...SITE, version: 3 }], userErrors: [] }],
    markings: complete(OPEN),
  }),
  event('secret-incident-near-site', 15, {
    entities: [
      { field: 'incident', type: 'SecurityIncident', key: 'INC-9' },
      { field: 'incident', ...SITE, path: 'incident.site', via: 'Query.incident > SecurityIncident.site' },
    ],
    markings: complete(SECRET_USA, OPEN),
  }),
  event('site-from-cache', 20, { cacheHit: true, subgraphs: [], entities: [{ field: 'displacementSite', ...SITE }], markings: complete(OPEN) }),
  event('site-refused', 25, {
    principal: who('wfp', null, 'XM-DAC-41140'),
    authorization: { removed: [], withheld: [{ path: 'displacementSite', service: 'civil-administration', key: 'SITE-2', type: 'DisplacementSite' }] },
    outcome: { status: 'PARTIAL', httpStatus: 200, errorCodes: ['FORBIDDEN'], errorCount: 1 },
    markings: UNKNOWN,
  }),
  event('rate-limited', 30, {
    principal: who('wfp', null, 'XM-DAC-41140'),
    operation: { name: null, type: null, hash: null, document: null },
    fields: [],
    subgraphs: [],
    outcome: { status: 'FAILED', httpStatus: 429, errorCodes: ['RATE_LIMITED'], errorCount: 1 },
    markings: UNKNOWN,
  }),
  event('too-deep', 31, { subgraphs: [], outcome: { status: 'FAILED', httpStatus: 400, errorCodes: ['OPERATION_LIMIT_EXCEEDED'], errorCount: 1 }, markings: UNKNOWN }),
  event('db-unavailable', 32, { subgraphs: ['security'], outcome: { status: 'FAILED', httpStatus: 503, errorCodes: ['SERVICE_UNAVAILABLE'], errorCount: 1 }, markings: UNKNOWN }),
  event('noforn-report', 40, { entities: [{ field: 'report', type: 'IntelligenceReport', key: 'REP-1' }], markings: complete(NOFORN_USA) }),
  event('late', 60, { entities: [{ field: 'areas', type: 'Area', key: 'PS0260' }], markings: complete() }),
];

/** Whether the oracle releases every marking of an event to the auditor (and they are complete): its payload is shown. */
function releasedTo(principal: Principal, id: string): boolean {
  const markings = EVENTS.find((e) => e.id === id)!.markings!;
  return (
    markings.complete &&
    markings.records.every((m) =>
      releasedToPrincipal(principal, {
        classification: m.classification,
        releasable_to: m.releasableTo,
        tlp: m.tlp,
        originator: m.originator,
        recipients: m.recipients,
        caveats: m.caveats,
      }),
    )
  );
}

const PAGE = `edges { cursor node { id redacted } } pageInfo { hasNextPage endCursor } totalCount redactedCount undeterminedCount verified
  chains { chain ok storage verifiedUpToSeq }`;

let subgraph: TestSubgraph;
let audit: Awaited<ReturnType<typeof startAuditSubgraphOver>>;
beforeAll(async () => {
  audit = await startAuditSubgraphOver(EVENTS);
  ({ subgraph } = audit);
});
afterAll(() => audit?.close());

async function ask(field: string, args: string, principal: Principal, variables?: Record<string, unknown>) {
  const { data, errors } = await subgraph.execute(
    `query($after: String, $first: Int) { ${field}(${args}${args ? ', ' : ''}first: $first, after: $after) { ${PAGE} } }`,
    variables,
    principal,
  );
  expect(errors).toBeUndefined();
  const answer = data[field];
  return {
    ...answer,
    ids: answer.edges.map((edge: { node: { id: string } }) => edge.node.id),
    redacted: answer.edges.filter((edge: { node: { redacted: boolean } }) => edge.node.redacted).map((edge: { node: { id: string } }) => edge.node.id),
  };
}

describe('the premises (the independent releasability oracle)', () => {
  it('releases to each auditor the events these expectations assume', () => {
    const shownTo = (principal: Principal) => EVENTS.map((e) => e.id).filter((id) => releasedTo(principal, id));
    expect(shownTo(US)).toEqual(['site-list', 'incident-near-site', 'site-written', 'secret-incident-near-site', 'site-from-cache', 'noforn-report', 'late']);
    // SECRET releasable to USA only, NOFORN of a US record: not to a British auditor; errors: markings unknown, nobody.
    expect(shownTo(GBR)).toEqual(['site-list', 'incident-near-site', 'site-written', 'site-from-cache', 'late']);
  });
});

describe('auditRecordAccess: reads and writes of one record', () => {
  it('finds every read and write of the record, at any depth and from the cache, newest first, and counts what it cannot judge', async () => {
    const answer = await ask('auditRecordAccess', 'type: "DisplacementSite", key: "SITE-1"', US);
    expect(answer.ids).toEqual(['site-from-cache', 'secret-incident-near-site', 'site-written', 'incident-near-site', 'site-list']);
    expect(answer).toMatchObject({ totalCount: 5, redactedCount: 0, undeterminedCount: 4, verified: true });
    expect(answer.chains).toEqual([{ chain: 'audit.jsonl', ok: true, storage: 'file audit.jsonl', verifiedUpToSeq: expect.any(Number) }]);
  });

  it('finds for another auditor only the events released to it; the SECRET US one is counted, not listed', async () => {
    const answer = await ask('auditRecordAccess', 'type: "DisplacementSite", key: "SITE-1"', GBR);
    expect(answer.ids).toEqual(['site-from-cache', 'site-written', 'incident-near-site', 'site-list']);
    // Withheld from GBR in the whole trail: the SECRET and NOFORN reads and the four errors.
    expect(answer).toMatchObject({ totalCount: 4, redactedCount: 0, undeterminedCount: 6 });
    expect(JSON.stringify(answer)).not.toContain('secret-incident-near-site');
  });

  it.each([
    ['access: WRITE', ['site-written']],
    ['access: READ', ['site-from-cache', 'secret-incident-near-site', 'incident-near-site', 'site-list']],
    [`from: "${at(4)}", to: "${at(16)}"`, ['secret-incident-near-site', 'site-written', 'incident-near-site']],
  ])('narrows by %s', async (args, ids) => {
    expect((await ask('auditRecordAccess', `type: "DisplacementSite", key: "SITE-1", ${args}`, US)).ids).toEqual(ids);
  });

  it('does not confuse a record with another type holding the same key, nor find a record refused by key (its event is withheld from everyone)', async () => {
    expect((await ask('auditRecordAccess', 'type: "Area", key: "SITE-1"', US)).ids).toEqual([]);
    const refused = await ask('auditRecordAccess', 'type: "DisplacementSite", key: "SITE-2"', US);
    expect(refused).toMatchObject({ ids: [], totalCount: 0, undeterminedCount: 4 });
  });

  it('pages with its own cursors', async () => {
    const first = await ask('auditRecordAccess', 'type: "DisplacementSite", key: "SITE-1"', US, { first: 2 });
    expect(first.ids).toEqual(['site-from-cache', 'secret-incident-near-site']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await ask('auditRecordAccess', 'type: "DisplacementSite", key: "SITE-1"', US, { first: 2, after: first.pageInfo.endCursor });
    expect(second.ids).toEqual(['site-written', 'incident-near-site']);
    const third = await ask('auditRecordAccess', 'type: "DisplacementSite", key: "SITE-1"', US, { first: 2, after: second.pageInfo.endCursor });
    expect(third.ids).toEqual(['site-list']);
    expect(third.pageInfo.hasNextPage).toBe(false);
    expect(third.totalCount).toBe(5);
  });

  it('shows how a nested record was reached, and the key a refused request named only where the event is released', async () => {
    const { data } = await subgraph.execute(
      `{ one: auditEvent(id: "incident-near-site") { entities { type key field path via } }
         refused: auditEvent(id: "site-refused") { redacted authorization { withheld { path key type service } } } }`,
      undefined,
      US,
    );
    expect(data.one.entities).toEqual([
      { type: 'SecurityIncident', key: 'INC-7', field: 'incident', path: null, via: null },
      { type: 'DisplacementSite', key: 'SITE-1', field: 'incident', path: 'incident.site', via: 'Query.incident > SecurityIncident.site' },
    ]);
    expect(data.refused).toEqual({ redacted: true, authorization: { withheld: [{ path: '[REDACTED]', key: null, type: null, service: 'civil-administration' }] } });
  });
});

describe('auditPrincipalActivity: everything one principal did in a window', () => {
  it('lists every event of the principal in the window, redacted ones included and counted', async () => {
    const range = `principal: "us-analyst", from: "${at(0)}", to: "${at(35)}"`;
    const us = await ask('auditPrincipalActivity', range, US);
    expect(us.ids).toEqual(['db-unavailable', 'too-deep', 'site-from-cache', 'secret-incident-near-site', 'site-list']);
    expect(us).toMatchObject({ totalCount: 5, redactedCount: 2, undeterminedCount: 0, verified: true });
    expect(us.redacted).toEqual(['db-unavailable', 'too-deep']);
    const gbr = await ask('auditPrincipalActivity', range, GBR);
    expect(gbr.ids).toEqual(us.ids);
    expect(gbr.redacted).toEqual(['db-unavailable', 'too-deep', 'secret-incident-near-site']);
    expect(gbr.redactedCount).toBe(3);
  });
});

describe('auditMarkingAccess: every access to records of a marking', () => {
  it.each([
    ['{ classificationAtLeast: RESTRICTED }', US, ['noforn-report', 'secret-incident-near-site', 'incident-near-site']],
    ['{ classificationAtLeast: RESTRICTED }', GBR, ['incident-near-site']],
    ['{ classification: SECRET }', US, ['secret-incident-near-site']],
    ['{ classification: CONFIDENTIAL }', US, ['noforn-report']],
    ['{ releasableTo: "FVEY" }', US, ['incident-near-site']],
    ['{ caveat: "NOFORN" }', US, ['noforn-report']],
    ['{ caveat: "NOFORN" }', GBR, []],
    ['{ tlp: AMBER, originator: "USA" }', US, ['noforn-report', 'secret-incident-near-site']],
    ['{ tlp: GREEN }', GBR, ['site-from-cache', 'site-written', 'incident-near-site', 'site-list']],
    ['{ originator: "GBR" }', US, ['incident-near-site']],
  ] as const)('%s for %s', async (marking, principal, ids) => {
    const answer = await ask('auditMarkingAccess', `marking: ${marking}`, principal);
    expect(answer.ids).toEqual(ids);
    expect(answer.redactedCount).toBe(0);
    expect(answer.undeterminedCount).toBe(principal === US ? 4 : 6);
  });

  it("narrows to one principal's operations", async () => {
    expect((await ask('auditMarkingAccess', 'marking: { classificationAtLeast: RESTRICTED }, principal: "us-analyst"', US)).ids).toEqual([
      'noforn-report',
      'secret-incident-near-site',
    ]);
  });
});

describe('auditFailures: failed and refused requests', () => {
  it.each([
    ['', ['db-unavailable', 'too-deep', 'rate-limited', 'site-refused']],
    ['principal: "wfp"', ['rate-limited', 'site-refused']],
    ['kinds: [RATE_LIMITED]', ['rate-limited']],
    ['kinds: [LIMIT_EXCEEDED]', ['too-deep']],
    ['kinds: [UNAVAILABLE]', ['db-unavailable']],
    ['kinds: [FORBIDDEN]', ['site-refused']],
    ['kinds: [FORBIDDEN, RATE_LIMITED], principal: "wfp"', ['rate-limited', 'site-refused']],
    ['kinds: [INVALID]', []],
  ])('(%s)', async (args, ids) => {
    const answer = await ask('auditFailures', args, US);
    expect(answer.ids).toEqual(ids);
    // Every failure ended in an error: its markings are unknown, so it is listed redacted (and counted) for every auditor.
    expect(answer).toMatchObject({ totalCount: ids.length, redactedCount: ids.length, undeterminedCount: 0 });
  });

  it('keeps who was refused and how in the redacted event', async () => {
    const { data } = await subgraph.execute(
      `{ auditFailures(kinds: [RATE_LIMITED]) { edges { node { redacted principal { subject } outcome { status httpStatus errorCodes } } } } }`,
      undefined,
      GBR,
    );
    expect(data.auditFailures.edges[0].node).toEqual({
      redacted: true,
      principal: { subject: 'wfp' },
      outcome: { status: 'FAILED', httpStatus: 429, errorCodes: ['RATE_LIMITED'] },
    });
  });
});

describe('the new filters of auditEvents', () => {
  it.each([
    [{ failureKinds: ['RATE_LIMITED'] }, ['rate-limited']],
    [{ httpStatus: 503 }, ['db-unavailable']],
    [{ errorCode: 'OPERATION_LIMIT_EXCEEDED' }, ['too-deep']],
    [{ failed: true, principal: 'wfp' }, ['rate-limited', 'site-refused']],
    [{ failed: false, principal: 'us-analyst' }, ['late', 'noforn-report', 'site-from-cache', 'secret-incident-near-site', 'site-list']],
    [{ access: 'WRITE' }, ['site-written']],
    [{ entityKey: 'SITE-1', entityType: 'DisplacementSite', access: 'WRITE' }, ['site-written']],
    [{ entityType: 'SecurityIncident' }, ['secret-incident-near-site', 'incident-near-site']],
    [{ marking: { caveat: 'NOFORN' } }, ['noforn-report']],
  ])('%j', async (filter, ids) => {
    const { data, errors } = await subgraph.execute(`query($filter: AuditEventFilter) { auditEvents(filter: $filter, first: 500) { edges { node { id } } } }`, { filter }, US);
    expect(errors).toBeUndefined();
    expect(data.auditEvents.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(ids);
  });
});

describe('bad input and the scope', () => {
  it.each([
    ['auditRecordAccess(type: "not a type", key: "SITE-1")'],
    ['auditRecordAccess(type: "DisplacementSite", key: "")'],
    ['auditMarkingAccess(marking: {})'],
    [`auditPrincipalActivity(principal: "us-analyst", from: "${at(10)}", to: "${at(0)}")`],
    ['auditFailures(after: "not-a-cursor")'],
    ['auditFailures(first: 0)'],
  ])('refuses %s with BAD_USER_INPUT', async (call) => {
    const { errors } = await subgraph.execute(`{ ${call} { totalCount } }`, undefined, US);
    expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses every investigation (FORBIDDEN) to a principal without audit:read', async () => {
    for (const call of [
      'auditRecordAccess(type: "DisplacementSite", key: "SITE-1") { totalCount }',
      `auditPrincipalActivity(principal: "us-analyst", from: "${at(0)}", to: "${at(60)}") { totalCount }`,
      'auditMarkingAccess(marking: { tlp: GREEN }) { totalCount }',
      'auditFailures { totalCount }',
      'auditAlerts { verified }',
    ]) {
      const { data, errors } = await subgraph.execute(`{ ${call} }`, undefined, TEST_PRINCIPAL);
      expect(Object.values(data ?? {}).every((value) => value === null)).toBe(true);
      expect(errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });
});

describe('whether the chains an answer came from verify', () => {
  it('says verified for events before a damaged record and not for those at or after it', async () => {
    const file = path.join(audit.dir, 'audit', 'audit.jsonl');
    const original = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, original.replace('"PS0260"', '"PS0261"'));
      const site = await ask('auditRecordAccess', 'type: "DisplacementSite", key: "SITE-1"', US);
      // The chain is broken at the last event; every event about SITE-1 lies before it.
      expect(site.verified).toBe(true);
      expect(site.chains).toEqual([{ chain: 'audit.jsonl', ok: false, storage: 'file audit.jsonl', verifiedUpToSeq: EVENTS.length - 1 }]);
      const activity = await ask('auditPrincipalActivity', `principal: "us-analyst", from: "${at(0)}", to: "${at(60)}"`, US);
      expect(activity.ids[0]).toBe('late');
      expect(activity.verified).toBe(false);
    } finally {
      fs.writeFileSync(file, original);
    }
  });
});
