import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { ANALYST_CLAIMS, startStack, type TestStack } from '@cmcc/test-support/stack';

// End to end: the gateway writes the audit trail, the audit subgraph (composed into the same supergraph) reads it.
const read = (name: string) => fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', `${name}.graphql`), 'utf8');
const SITUATION = read('SituationByGovernorate');
const EVENTS_FOR_OPERATION = read('AuditEventsForOperation');
const CHAIN_STATUS = read('AuditChainStatus');

const GOVERNORATE_NAMES = `query GovernorateNames($level: OperationalLevel) { areas(level: $level) { pcode name } }`;

const AUDITOR_CLAIMS = Object.freeze({ sub: 'fra-auditor', nation: 'FRA', org: 'CMCC', clearance: 'SECRET', roles: ['auditor'], scope: 'audit:read', cmcc: true });

const LIST = `query AuditorSearch($filter: AuditEventFilter, $first: Int) {
  auditEvents(filter: $filter, first: $first) { edges { node { id time principal { subject } operation { name } fields entities { key } } } }
}`;

let stack: TestStack;
let before: string;
let situationAt: string;
beforeAll(async () => {
  stack = await startStack();
  before = new Date().toISOString();
  const situation = await stack.query(SITUATION, { since: '2025-10-01T00:00:00Z' });
  expect(situation.errors).toBeUndefined();
  // Areas carry no marking: every auditor is shown this event's payload (variables, entities).
  const names = await stack.query(GOVERNORATE_NAMES, { level: 'GOVERNORATE' });
  expect(names.errors).toBeUndefined();
  situationAt = new Date().toISOString();
  expect(await stack.gateway.audit.flush()).toBe(true);
}, 240_000);
afterAll(() => stack?.close());

describe('the audit subgraph behind the gateway', () => {
  it("lets an auditor find the analyst's dashboard query, with its principal and fields", async () => {
    const { data, errors } = await stack.query(EVENTS_FOR_OPERATION, { operationName: 'SituationByGovernorate' }, AUDITOR_CLAIMS);
    expect(errors).toBeUndefined();
    const events = data.auditEvents.edges.map((edge: { node: any }) => edge.node);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event.principal).toMatchObject({ subject: ANALYST_CLAIMS.sub, nation: 'USA', organization: 'CMCC', roles: ['analyst'] });
    expect(event.operation).toMatchObject({ name: 'SituationByGovernorate', type: 'query' });
    expect(event.fields).toEqual(expect.arrayContaining(['Query.areas', 'Area.populationEstimates', 'Area.aidDeliveries', 'Area.incidents', 'Area.facilities']));
    expect(event.subgraphs).toEqual(expect.arrayContaining(['civil-administration', 'humanitarian', 'security', 'engineering']));
    expect(event.outcome).toMatchObject({ status: 'OK', httpStatus: 200, errorCodes: [] });
  });

  it('shows an auditor the payload of an event about records that carry no marking', async () => {
    const { data, errors } = await stack.query(EVENTS_FOR_OPERATION, { operationName: 'GovernorateNames' }, AUDITOR_CLAIMS);
    expect(errors).toBeUndefined();
    const [event] = data.auditEvents.edges.map((edge: { node: any }) => edge.node);
    expect(event.entities.map((entity: { key: string }) => entity.key)).toEqual(['PS0255', 'PS0260', 'PS0265', 'PS0270', 'PS0275']);
    expect(JSON.parse(event.variables)).toEqual({ level: 'GOVERNORATE' });
  });

  it('refuses every audit field to a principal without audit:read (null and UNAUTHORIZED_FIELD_OR_TYPE)', async () => {
    for (const query of [`{ auditEvents { edges { cursor } } }`, `{ auditEvent(id: "any") { id } }`, CHAIN_STATUS]) {
      const { data, errors } = await stack.query(query, undefined, ANALYST_CLAIMS);
      const { __typename: _typename, ...fields } = data ?? {};
      expect(
        Object.values(fields).every((value) => value === null),
        JSON.stringify({ data, errors }),
      ).toBe(true);
      expect(errors?.map((e) => e.extensions?.code)).toContain('UNAUTHORIZED_FIELD_OR_TYPE');
    }
  });

  it("audits the auditor's own queries (and the refused ones)", async () => {
    await stack.query(LIST, { filter: { operationName: 'SituationByGovernorate' } }, AUDITOR_CLAIMS);
    expect(await stack.gateway.audit.flush()).toBe(true);
    const { data, errors } = await stack.query(LIST, { filter: { operationName: 'AuditorSearch', principal: 'fra-auditor' } }, AUDITOR_CLAIMS);
    expect(errors).toBeUndefined();
    const [own] = data.auditEvents.edges.map((edge: { node: any }) => edge.node);
    expect(own.principal.subject).toBe('fra-auditor');
    expect(own.fields).toContain('Query.auditEvents');

    // The analyst's refused attempts are in the trail too, with the refusal as their outcome.
    // Their payload is redacted (what authorization removed leaves the markings unknown), their removed fields are not.
    const refused = await stack.query(
      `{ auditEvents(filter: { principal: "us-analyst" }, first: 500) { edges { node { redacted authorization { removed { coordinate } } outcome { errorCodes } } } } }`,
      undefined,
      AUDITOR_CLAIMS,
    );
    const attempts = refused.data.auditEvents.edges
      .map((edge: { node: any }) => edge.node)
      .filter((node: any) => node.authorization.removed.some((removed: { coordinate: string }) => removed.coordinate === 'Query.auditChainStatus'));
    expect(attempts.every((node: { redacted: boolean }) => node.redacted)).toBe(true);
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts[0].outcome.errorCodes).toContain('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('filters by principal, field, entity key and time', async () => {
    const ids = async (filter: Record<string, unknown>) => {
      const { data, errors } = await stack.query(LIST, { filter, first: 500 }, AUDITOR_CLAIMS);
      expect(errors).toBeUndefined();
      return data.auditEvents.edges.map((edge: { node: { operation: { name: string | null } } }) => edge.node.operation.name);
    };
    expect(await ids({ principal: ANALYST_CLAIMS.sub, field: 'Area.facilities' })).toEqual(['SituationByGovernorate']);
    expect(await ids({ principal: 'nobody' })).toEqual([]);
    expect(await ids({ field: 'Area.incidents' })).toEqual(['SituationByGovernorate']);
    expect(await ids({ entityKey: 'PS0270', operationName: 'GovernorateNames' })).toEqual(['GovernorateNames']);
    expect(await ids({ entityKey: 'PS9999' })).toEqual([]);
    expect(await ids({ operationName: 'SituationByGovernorate', from: before, to: situationAt })).toEqual(['SituationByGovernorate']);
    expect(await ids({ operationName: 'SituationByGovernorate', from: situationAt })).toEqual([]);
    expect(await ids({ nation: 'FRA', organization: 'CMCC' })).not.toContain('SituationByGovernorate');
  });

  it('finds one event by id, and answers null with NOT_FOUND for an unknown one', async () => {
    const { data } = await stack.query(LIST, { filter: { operationName: 'SituationByGovernorate' } }, AUDITOR_CLAIMS);
    const id = data.auditEvents.edges[0].node.id;
    const one = await stack.query(`query($id: ID!) { auditEvent(id: $id) { id operation { name } seq hash prevHash } }`, { id }, AUDITOR_CLAIMS);
    expect(one.errors).toBeUndefined();
    expect(one.data.auditEvent).toMatchObject({ id, operation: { name: 'SituationByGovernorate' } });
    const unknown = await stack.query(`{ auditEvent(id: "no-such-event") { id } }`, undefined, AUDITOR_CLAIMS);
    expect(unknown.data.auditEvent).toBeNull();
    expect(unknown.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  });

  it('refuses bad filter values with BAD_USER_INPUT', async () => {
    const { errors } = await stack.query(LIST, { filter: { nation: 'france' } }, AUDITOR_CLAIMS);
    expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const tooMany = await stack.query(LIST, { first: 1000 }, AUDITOR_CLAIMS);
    expect(tooMany.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('reports the chain intact', async () => {
    stack.gateway.audit.requestCheckpoint();
    expect(await stack.gateway.audit.flush()).toBe(true);
    const { data, errors } = await stack.query(CHAIN_STATUS, undefined, AUDITOR_CLAIMS);
    expect(errors).toBeUndefined();
    expect(data.auditChainStatus).toMatchObject({ ok: true, brokenAtSeq: null, problem: null, storage: 'file audit.jsonl' });
    expect(data.auditChainStatus.events).toBeGreaterThan(3);
    expect(data.auditChainStatus.lastCheckpoint).not.toBeNull();
  });
});
