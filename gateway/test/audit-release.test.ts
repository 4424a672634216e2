import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileAuditStore, loadEd25519Key } from '@cmcc/audit-trail';
import type { AuditEventRecord } from '@cmcc/audit-trail';
import { postGraphQL } from '@cmcc/test-support/subgraph';
import { ANALYST_CLAIMS, startStack, type TestStack } from '@cmcc/test-support/stack';

// Audit releasability end to end: the subgraphs report the markings of the records they return, the gateway writes
// them into the (hashed) event, and the audit subgraph shows an event's payload only to auditors every marking releases.

/** The marking the test gives one incident: SECRET, released to the United States only, TLP:AMBER, US-originated. */
const US_ONLY_SECRET = { classification: 'SECRET', releasableTo: ['USA'], tlp: 'AMBER', originator: 'USA', recipients: [], caveats: [] };

// By the rule: clearance SECRET suffices; releasableTo names USA only, so a US principal is released it (AMBER: a nation
// in releasableTo counts) and a British one is not, whatever their clearance.
const US_AUDITOR = { sub: 'us-auditor', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['auditor'], scope: 'audit:read' };
const GBR_AUDITOR = { sub: 'gbr-auditor', nation: 'GBR', org: 'CMCC', clearance: 'SECRET', roles: ['auditor'], scope: 'audit:read' };
const US_EDITOR = { sub: 'us-security-editor', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['editor'], scope: 'read:* write:security' };

const EVENT_FIELDS = `id time requestId claimedRequestId redacted markingsComplete
  markings { classification releasableTo tlp originator recipients caveats }
  principal { subject nation organization } client { name version } operation { name type hash document }
  variables fields entities { type key field } subgraphs changes { field arguments records { type key } userErrors }
  authorization { removed { path coordinate } withheld { path service } } outcome { status errorCodes errorCount } seq hash prevHash`;
const EVENTS = `query AuditorReview($filter: AuditEventFilter) { auditEvents(filter: $filter, first: 20) { edges { node { ${EVENT_FIELDS} } } } }`;

let stack: TestStack;
let store: FileAuditStore;
let secretId: string;
let secretArea: string;
const SECRET_NOTE = 'Confirmed-by-asset-KESTREL-7';

beforeAll(async () => {
  stack = await startStack();
  store = new FileAuditStore(path.join(stack.dataDir, 'audit'), loadEd25519Key(path.join(stack.dataDir, 'auth', 'audit-signing-key.json')));
  const db = stack.subgraphs.security.db;
  // The newest incident: first in its area's newest-first list, so a read through the area returns it.
  const [row] = await db.query<{ id: string; area_pcode: string }>('SELECT id, area_pcode FROM security_incident ORDER BY event_date DESC, id DESC LIMIT 1');
  secretId = row.id;
  secretArea = row.area_pcode;
  await db.query(
    `UPDATE security_incident SET classification = 'SECRET', releasable_to = ARRAY['USA'], tlp = 'AMBER', originator = 'USA', recipients = '{}', caveats = '{}' WHERE id = $1`,
    [secretId],
  );
}, 240_000);
afterAll(() => stack?.close());

let counter = 0;
/** Sends an operation as `claims` with a client-chosen x-request-id; returns the answer and that id. */
async function send(query: string, variables: Record<string, unknown>, claims: Record<string, unknown>) {
  const claimed = `client-claimed-${process.pid}-${++counter}`;
  const response = await postGraphQL(`${stack.gatewayUrl}/graphql`, query, variables, {
    authorization: `Bearer ${await stack.token(claims)}`,
    'x-request-id': claimed,
  });
  expect(await stack.gateway.audit.flush()).toBe(true);
  return { response, claimed };
}

/** The stored event whose client claimed this request id. */
async function stored(claimed: string): Promise<AuditEventRecord> {
  const { events } = await store.listEvents({}, { first: 500 });
  const event = events.find((e) => e.claimedRequestId === claimed);
  if (!event) throw new Error(`no audit event claimed ${claimed}`);
  return event;
}

/** The event as an auditor reads it through the gateway and the audit subgraph, and the whole answer as JSON text. */
async function asAuditor(auditor: Record<string, unknown>, id: string) {
  const answer = await stack.query(`query AuditorOne($id: ID!) { auditEvent(id: $id) { ${EVENT_FIELDS} } }`, { id }, auditor);
  expect(answer.errors).toBeUndefined();
  return { event: answer.data.auditEvent, json: JSON.stringify(answer) };
}

describe('an audit event about a SECRET record released to the United States only', () => {
  const READ = `query SecretIncident($id: ID!) { incident(id: $id) { id actor1 } }`;
  let id: string;
  let claimed: string;
  beforeAll(async () => {
    const sent = await send(READ, { id: secretId }, ANALYST_CLAIMS);
    expect(sent.response.errors).toBeUndefined();
    expect(sent.response.data.incident.id).toBe(secretId);
    claimed = sent.claimed;
    id = (await stored(claimed)).id;
  });

  it("carries the record's marking inside the hashed event, and the chain still verifies", async () => {
    const event = await stored(claimed);
    expect(event.markings).toEqual({ complete: true, records: [US_ONLY_SECRET] });
    stack.gateway.audit.requestCheckpoint();
    expect(await stack.gateway.audit.flush()).toBe(true);
    expect((await store.verify()).ok).toBe(true);
    const status = await stack.query(`{ auditChainStatus { ok brokenAtSeq } }`, undefined, GBR_AUDITOR);
    expect(status.data.auditChainStatus).toEqual({ ok: true, brokenAtSeq: null });
  });

  it('shows an auditor not released the record who acted and when, with the payload redacted and no trace of the record', async () => {
    const { event, json } = await asAuditor(GBR_AUDITOR, id);
    expect(event).toMatchObject({
      id,
      redacted: true,
      principal: { subject: 'us-analyst', nation: 'USA', organization: 'CMCC' },
      operation: { name: 'SecretIncident', type: 'query', hash: null, document: null },
      variables: null,
      entities: [],
      changes: [],
      markings: [],
      markingsComplete: false,
      outcome: { status: 'OK', errorCount: 0 },
    });
    expect(event.time).toBeTruthy();
    expect(json).not.toContain(secretId);
    expect(json).not.toContain('SECRET');
  });

  it('shows an auditor released the record the payload: variables, document, entities and the marking', async () => {
    const { event } = await asAuditor(US_AUDITOR, id);
    expect(event).toMatchObject({
      id,
      redacted: false,
      markingsComplete: true,
      markings: [US_ONLY_SECRET],
      entities: [{ type: 'SecurityIncident', key: secretId, field: 'incident' }],
    });
    expect(JSON.parse(event.variables)).toEqual({ id: secretId });
    expect(event.operation.document).toContain('SecretIncident');
  });

  it('does not let an auditor find the event by the id of a record not released to them (entityKey filter)', async () => {
    const filter = { entityKey: secretId, operationName: 'SecretIncident' };
    const gbr = await stack.query(EVENTS, { filter }, GBR_AUDITOR);
    expect(gbr.errors).toBeUndefined();
    expect(gbr.data.auditEvents.edges).toEqual([]);
    const us = await stack.query(EVENTS, { filter }, US_AUDITOR);
    expect(us.data.auditEvents.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([id]);
  });

  it('lists the event redacted for the auditor not released it', async () => {
    const { data, errors } = await stack.query(EVENTS, { filter: { operationName: 'SecretIncident' } }, GBR_AUDITOR);
    expect(errors).toBeUndefined();
    const nodes = data.auditEvents.edges.map((edge: { node: any }) => edge.node);
    expect(nodes.map((node: { id: string }) => node.id)).toContain(id);
    expect(nodes.every((node: { redacted: boolean }) => node.redacted)).toBe(true);
    expect(JSON.stringify(data)).not.toContain(secretId);
  });
});

describe("an auditor's own reading", () => {
  it('is audited with the markings of the events it was shown, so another auditor sees it redacted', async () => {
    const claimedIds: string[] = [];
    for (const variables of [{ filter: { entityKey: secretId, operationName: 'SecretIncident' } }, { filter: { operationName: 'SecretIncident' } }]) {
      const { response, claimed } = await send(EVENTS.replace('AuditorReview', 'UsAuditorReview'), variables, US_AUDITOR);
      expect(response.errors).toBeUndefined();
      expect(JSON.stringify(response)).toContain(secretId);
      claimedIds.push(claimed);
    }
    for (const claimed of claimedIds) {
      const event = await stored(claimed);
      expect(event.markings?.records).toContainEqual(US_ONLY_SECRET);
      const { event: view, json } = await asAuditor(GBR_AUDITOR, event.id);
      expect(view).toMatchObject({ redacted: true, variables: null, principal: { subject: 'us-auditor' }, operation: { name: 'UsAuditorReview' } });
      expect(json).not.toContain(secretId);
    }
  });

  it('by a record id that found nothing shown is redacted for every auditor (the record is not known)', async () => {
    const { response, claimed } = await send(EVENTS.replace('AuditorReview', 'GbrAuditorProbe'), { filter: { entityKey: secretId } }, GBR_AUDITOR);
    expect(response.data.auditEvents.edges).toEqual([]);
    const event = await stored(claimed);
    expect(event.markings?.complete).toBe(false);
    const { event: view, json } = await asAuditor(US_AUDITOR, event.id);
    expect(view).toMatchObject({ redacted: true, variables: null, principal: { subject: 'gbr-auditor' } });
    expect(json).not.toContain(secretId);
  });
});

describe('reads through entity references', () => {
  it('records the marking of an incident reached from an area (the gateway fetched it by reference) and redacts for an auditor not released it', async () => {
    const { response, claimed } = await send(
      `query AreaIncidents($pcode: ID!) { area(pcode: $pcode) { pcode name incidents(since: "2025-10-01T00:00:00Z") { id } } }`,
      { pcode: secretArea },
      ANALYST_CLAIMS,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data.area.incidents.map((incident: { id: string }) => incident.id)).toContain(secretId);
    const event = await stored(claimed);
    expect(event.subgraphs).toEqual(['civil-administration', 'security']);
    expect(event.markings?.complete).toBe(true);
    expect(event.markings?.records).toContainEqual(US_ONLY_SECRET);
    const { event: view, json } = await asAuditor(GBR_AUDITOR, event.id);
    expect(view).toMatchObject({ redacted: true, variables: null, entities: [], operation: { name: 'AreaIncidents', document: null } });
    expect(json).not.toContain(secretId);
    expect(json).not.toContain(secretArea);
  });
});

describe("a mutation's inputs", () => {
  const UPDATE = `mutation Verify($input: UpdateIncidentVerificationInput!) {
    updateIncidentVerification(input: $input) { incident { id provenance { version } } userErrors { code } }
  }`;

  it('are shown only to auditors released the record it changed, and redacted for the others', async () => {
    const read = await stack.query(`query($id: ID!) { incident(id: $id) { provenance { version } } }`, { id: secretId }, US_EDITOR);
    const version = read.data.incident.provenance.version;
    const { response, claimed } = await send(UPDATE, { input: { id: secretId, version, verification: 'CORROBORATED', note: SECRET_NOTE } }, US_EDITOR);
    expect(response.errors).toBeUndefined();
    expect(response.data.updateIncidentVerification.userErrors).toEqual([]);
    const event = await stored(claimed);
    expect(event.markings).toEqual({ complete: true, records: [US_ONLY_SECRET] });

    const hidden = await asAuditor(GBR_AUDITOR, event.id);
    expect(hidden.event).toMatchObject({
      redacted: true,
      variables: null,
      changes: [],
      principal: { subject: 'us-security-editor' },
      operation: { name: 'Verify', type: 'mutation' },
    });
    expect(hidden.json).not.toContain(SECRET_NOTE);
    expect(hidden.json).not.toContain(secretId);

    const shown = await asAuditor(US_AUDITOR, event.id);
    expect(shown.event.redacted).toBe(false);
    expect(JSON.parse(shown.event.variables).input.note).toBe(SECRET_NOTE);
    expect(JSON.parse(shown.event.changes[0].arguments).input.id).toBe(secretId);
  });

  it('are redacted for every auditor when the record was never returned (its marking is unknown)', async () => {
    // A stale version: refused, nothing written, no record returned.
    const { response, claimed } = await send(UPDATE, { input: { id: secretId, version: 1, verification: 'DISPUTED', note: `${SECRET_NOTE}-stale` } }, US_EDITOR);
    expect(response.data?.updateIncidentVerification?.incident ?? null).toBeNull();
    const event = await stored(claimed);
    expect(event.markings?.complete).toBe(false);
    for (const auditor of [US_AUDITOR, GBR_AUDITOR]) {
      const { event: view, json } = await asAuditor(auditor, event.id);
      expect(view).toMatchObject({ redacted: true, variables: null, changes: [], operation: { name: 'Verify' } });
      expect(json).not.toContain(`${SECRET_NOTE}-stale`);
    }
  });
});

describe('request ids sent by a client', () => {
  it('are stored as claimed beside the id the gateway made, which the gateway answers with', async () => {
    const claimed = `client-claimed-${process.pid}-header`;
    const response = await fetch(`${stack.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': claimed, authorization: `Bearer ${await stack.token(ANALYST_CLAIMS)}` },
      body: JSON.stringify({ query: 'query ClaimedId { areas(level: GOVERNORATE) { pcode } }' }),
    });
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    expect(await stack.gateway.audit.flush()).toBe(true);
    const event = await stored(claimed);
    expect(event.claimedRequestId).toBe(claimed);
    expect(event.requestId).toBeTruthy();
    expect(event.requestId).not.toBe(claimed);
    expect(response.headers.get('x-request-id')).toBe(event.requestId);
    const { event: view } = await asAuditor(GBR_AUDITOR, event.id);
    expect(view).toMatchObject({ requestId: event.requestId, claimedRequestId: claimed });
  });
});

describe("the subgraphs' marking reports", () => {
  it('never reach the client in the response', async () => {
    const { response } = await send(`query SecretIncident($id: ID!) { incident(id: $id) { id } }`, { id: secretId }, ANALYST_CLAIMS);
    expect(JSON.stringify(response)).not.toContain('cmccRecordMarkings');
    expect(JSON.stringify(response)).not.toContain('AMBER');
  });
});
