import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventContent, AuditMarkings } from '@cmcc/audit-trail';
import type { AccessMarking, Principal } from '@cmcc/subgraph-kit';
import { TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { startAuditSubgraphOver } from './trail.ts';

// Which auditor sees an event's payload, over a trail of literal events written by the gateway's own writer. The
// expected answers follow the rule as written: an auditor sees the payload only where every record the event describes
// is released to them (clearance, releasable-to, TLP), and an event whose records are not all known is redacted.

const auditor = (subject: string, nation: string, clearance: Principal['clearance']): Principal =>
  Object.freeze({ ...TEST_PRINCIPAL, subject, nation, organization: 'CMCC', roles: ['auditor'], scopes: ['audit:read'], clearance, participant: true });
const US_SECRET = auditor('us-auditor', 'USA', 'SECRET');
const GBR_SECRET = auditor('gbr-auditor', 'GBR', 'SECRET');
const US_RESTRICTED = auditor('us-junior-auditor', 'USA', 'RESTRICTED');
const AUDITORS: Record<string, Principal> = { 'us-auditor': US_SECRET, 'gbr-auditor': GBR_SECRET, 'us-junior-auditor': US_RESTRICTED };

const SECRET_USA: AccessMarking = { classification: 'SECRET', releasableTo: ['USA'], tlp: 'AMBER', originator: 'USA', recipients: [], caveats: [] };
const OPEN: AccessMarking = { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC', recipients: [], caveats: [] };
const FVEY_RESTRICTED: AccessMarking = { classification: 'RESTRICTED', releasableTo: ['FVEY'], tlp: 'AMBER', originator: 'GBR', recipients: [], caveats: [] };

const SECRET_ID = 'INC-SECRET-4471';
const SECRET_TEXT = 'asset-HERON-sighting';

function event(id: string, markings: AuditMarkings | undefined, overrides: Partial<AuditEventContent> = {}): AuditEventContent {
  const content: AuditEventContent = {
    id,
    time: '2025-11-01T08:00:00.000Z',
    requestId: `gw-${id}`,
    claimedRequestId: `client-${id}`,
    principal: { subject: 'us-analyst', nation: 'USA', organization: 'CMCC', roles: ['analyst'], clearance: 'SECRET' },
    client: { name: 'dashboard', version: '1.0' },
    operation: { name: 'SecretRead', type: 'query', hash: 'c'.repeat(64), document: `query SecretRead { incident(id: "${SECRET_ID}") { id } }` },
    variables: { id: SECRET_ID, note: SECRET_TEXT },
    fields: ['Query.incident', 'SecurityIncident.id'],
    entities: [{ field: 'incident', type: 'SecurityIncident', key: SECRET_ID }],
    subgraphs: ['security'],
    authorization: { removed: [{ path: `${SECRET_ID}.sourceDetail`, coordinate: 'IntelligenceReport.sourceDetail' }], withheld: [{ path: `${SECRET_ID}`, service: 'security' }] },
    changes: [{ field: 'updateIncidentVerification', arguments: { input: { id: SECRET_ID, note: SECRET_TEXT } }, records: [{ type: 'SecurityIncident', key: SECRET_ID }] }],
    outcome: { status: 'OK', httpStatus: 200, errorCodes: [], errorCount: 0 },
    durationMs: 3,
    nonce: 'a-nonce-never-shown',
    ...overrides,
  };
  if (markings) content.markings = markings;
  return content;
}

const EVENTS = [
  event('one-secret', { complete: true, records: [SECRET_USA] }),
  event('open-and-secret', { complete: true, records: [OPEN, SECRET_USA] }),
  event('open-and-fvey', { complete: true, records: [OPEN, FVEY_RESTRICTED] }),
  event('unknown', { complete: false, records: [OPEN] }),
  event('before-markings', undefined),
  event('unmarked', { complete: true, records: [] }),
];

const FIELDS = `id redacted requestId claimedRequestId principal { subject } operation { name type hash document } variables
  entities { key } changes { field arguments records { key } } markings { classification releasableTo } markingsComplete
  authorization { removed { path coordinate } withheld { path service } } outcome { status } fields hash`;

let subgraph: TestSubgraph;
let audit: Awaited<ReturnType<typeof startAuditSubgraphOver>>;
beforeAll(async () => {
  audit = await startAuditSubgraphOver(EVENTS);
  ({ subgraph } = audit);
});
afterAll(() => audit?.close());

async function view(id: string, principal: Principal) {
  const answer = await subgraph.execute(`query($id: ID!) { auditEvent(id: $id) { ${FIELDS} } }`, { id }, principal);
  expect(answer.errors).toBeUndefined();
  return { event: answer.data.auditEvent, json: JSON.stringify(answer) };
}

describe('whose view of an event shows its payload', () => {
  // [event, auditor, payload shown?], from the rule: clearance >= classification, released (nation or group in
  // releasableTo), TLP (GREEN: participants; AMBER: those released to); every record of the event; unknown: nobody.
  it.each([
    ['one-secret', 'us-auditor', true],
    ['one-secret', 'gbr-auditor', false], // GBR is not in releasableTo [USA]
    ['one-secret', 'us-junior-auditor', true], // below SECRET, but its nation is the originator: rule 1 releases its own records
    ['open-and-secret', 'us-auditor', true],
    ['open-and-secret', 'gbr-auditor', false], // one of its two records is not released to GBR
    ['open-and-fvey', 'gbr-auditor', true], // GBR is in FVEY
    ['open-and-fvey', 'us-junior-auditor', true],
    ['unknown', 'us-auditor', false], // not every record is known
    ['before-markings', 'us-auditor', false], // written before events carried markings: unknown
    ['unmarked', 'gbr-auditor', true],
    ['unmarked', 'us-junior-auditor', true],
  ] as const)('%s for %s', async (id, subject, shown) => {
    const { event, json } = await view(id, AUDITORS[subject]);
    expect(event.redacted).toBe(!shown);
    if (shown) {
      expect(JSON.parse(event.variables)).toEqual({ id: SECRET_ID, note: SECRET_TEXT });
      expect(event.entities).toEqual([{ key: SECRET_ID }]);
    } else {
      expect(json).not.toContain(SECRET_ID);
      expect(json).not.toContain(SECRET_TEXT);
    }
  });
});

describe('a redacted event', () => {
  it('keeps who acted, when, the request ids, the operation name and the outcome, and drops the payload, the markings and the paths', async () => {
    const { event } = await view('open-and-secret', GBR_SECRET);
    expect(event).toEqual({
      id: 'open-and-secret',
      redacted: true,
      requestId: 'gw-open-and-secret',
      claimedRequestId: 'client-open-and-secret',
      principal: { subject: 'us-analyst' },
      operation: { name: 'SecretRead', type: 'query', hash: null, document: null },
      variables: null,
      entities: [],
      changes: [],
      markings: [],
      markingsComplete: false,
      authorization: { removed: [{ path: '[REDACTED]', coordinate: 'IntelligenceReport.sourceDetail' }], withheld: [{ path: '[REDACTED]', service: 'security' }] },
      outcome: { status: 'OK' },
      fields: ['Query.incident', 'SecurityIncident.id'],
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('shows an auditor released every record the markings, complete', async () => {
    const { event } = await view('open-and-secret', US_SECRET);
    expect(event.markings).toEqual([
      { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'] },
      { classification: 'SECRET', releasableTo: ['USA'] },
    ]);
    expect(event.markingsComplete).toBe(true);
    expect(event.operation.document).toContain(SECRET_ID);
  });

  it('cannot be found by the record ids it hides', async () => {
    const list = async (principal: Principal) => {
      const { data, errors } = await subgraph.execute(`{ auditEvents(filter: { entityKey: "${SECRET_ID}" }, first: 500) { edges { node { id } } } }`, undefined, principal);
      expect(errors).toBeUndefined();
      return data.auditEvents.edges.map((edge: { node: { id: string } }) => edge.node.id);
    };
    expect(await list(GBR_SECRET)).toEqual(['unmarked', 'open-and-fvey']);
    expect(await list(US_SECRET)).toEqual(['unmarked', 'open-and-fvey', 'open-and-secret', 'one-secret']);
  });

  it('is listed (redacted) by the filters on who and when', async () => {
    const { data } = await subgraph.execute(`{ auditEvents(filter: { principal: "us-analyst" }, first: 500) { edges { node { id redacted } } } }`, undefined, GBR_SECRET);
    expect(data.auditEvents.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      { id: 'unmarked', redacted: false },
      { id: 'before-markings', redacted: true },
      { id: 'unknown', redacted: true },
      { id: 'open-and-fvey', redacted: false },
      { id: 'open-and-secret', redacted: true },
      { id: 'one-secret', redacted: true },
    ]);
  });
});
