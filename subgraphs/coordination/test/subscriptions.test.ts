import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordination } from '../src/server.ts';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { changeEvent, fetchForEvent, markSecretRelGbr, nationalOfficer } from '@cmcc/test-support/change-events';

/**
 * coordinationRequestUpdated answers one change event for one subscriber (the gateway's subscription fetch): the record when rule v2
 * (docs/security.md) releases it to them and it lies in the area asked for, else null; refused without the gateway.
 */

let subgraph: TestSubgraph;
let record: { id: string; area_pcode: string };
const target = () => ({ url: subgraph.url, name: 'coordination' });
const QUERY = 'subscription($area: ID) { coordinationRequestUpdated(area: $area) { id } }';
const event = () => changeEvent('coordination', 'CoordinationRequest', record.id);
const GBR_SECRET = nationalOfficer('GBR');
const FRA_SECRET = nationalOfficer('FRA');

beforeAll(async () => {
  subgraph = await startTestSubgraph(coordination);
  [record] = await subgraph.db.query<{ id: string; area_pcode: string }>('SELECT id, area_pcode FROM coordination_request WHERE area_pcode IS NOT NULL ORDER BY id LIMIT 1');
  await markSecretRelGbr(subgraph.db, 'coordination_request', record.id);
});
afterAll(async () => {
  await subgraph?.close();
});

describe('coordinationRequestUpdated for one change event', () => {
  it('gives the record to a subscriber it is released to, within the area asked for or any', async () => {
    const everywhere = await fetchForEvent(target(), QUERY, {}, event(), GBR_SECRET);
    expect(everywhere.errors).toBeUndefined();
    expect(everywhere.data).toEqual({ coordinationRequestUpdated: { id: record.id } });
    const governorate = await fetchForEvent(target(), QUERY, { area: record.area_pcode.slice(0, 6) }, event(), GBR_SECRET);
    expect(governorate.data).toEqual({ coordinationRequestUpdated: { id: record.id } });
  });

  it('gives null to a subscriber it is withheld from (SECRET REL GBR, read by a FRA officer cleared SECRET)', async () => {
    const response = await fetchForEvent(target(), QUERY, {}, event(), FRA_SECRET);
    expect(response.data).toEqual({ coordinationRequestUpdated: null });
    expect(response.errors).toBeUndefined();
  });

  it('gives null outside the area asked for, and for an event about another type', async () => {
    const elsewhere = record.area_pcode.startsWith('PS0255') ? 'PS0270' : 'PS0255';
    expect((await fetchForEvent(target(), QUERY, { area: elsewhere }, event(), GBR_SECRET)).data).toEqual({ coordinationRequestUpdated: null });
    expect((await fetchForEvent(target(), QUERY, {}, changeEvent('coordination', 'Area', record.id), GBR_SECRET)).data).toEqual({ coordinationRequestUpdated: null });
  });

  it('is an error without an event, and refused without a principal signed by the gateway', async () => {
    const direct = await fetchForEvent(target(), QUERY, {}, null, GBR_SECRET);
    expect(direct.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
    const unsigned = await fetchForEvent(target(), QUERY, {}, event(), null);
    expect(unsigned.status).toBe(401);
  });
});
