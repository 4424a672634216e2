import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineering } from '../src/server.ts';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { changeEvent, fetchForEvent, markSecretRelGbr, nationalOfficer } from '@cmcc/test-support/change-events';

/**
 * facilityUpdated answers one change event for one subscriber (the gateway's subscription fetch): the record when rule v2
 * (docs/security.md) releases it to them and it lies in the area asked for, else null; refused without the gateway.
 */

let subgraph: TestSubgraph;
let record: { id: string; area_pcode: string };
const target = () => ({ url: subgraph.url, name: 'engineering' });
const QUERY = 'subscription($area: ID) { facilityUpdated(area: $area) { id } }';
const event = () => changeEvent('engineering', 'Facility', record.id);
const GBR_SECRET = nationalOfficer('GBR');
const FRA_SECRET = nationalOfficer('FRA');

beforeAll(async () => {
  subgraph = await startTestSubgraph(engineering);
  [record] = await subgraph.db.query<{ id: string; area_pcode: string }>('SELECT id, area_pcode FROM facility WHERE area_pcode IS NOT NULL ORDER BY id LIMIT 1');
  await markSecretRelGbr(subgraph.db, 'facility', record.id);
});
afterAll(async () => {
  await subgraph?.close();
});

describe('facilityUpdated for one change event', () => {
  it('gives the record to a subscriber it is released to, within the area asked for or any', async () => {
    const everywhere = await fetchForEvent(target(), QUERY, {}, event(), GBR_SECRET);
    expect(everywhere.errors).toBeUndefined();
    expect(everywhere.data).toEqual({ facilityUpdated: { id: record.id } });
    const governorate = await fetchForEvent(target(), QUERY, { area: record.area_pcode.slice(0, 6) }, event(), GBR_SECRET);
    expect(governorate.data).toEqual({ facilityUpdated: { id: record.id } });
  });

  it('gives null to a subscriber it is withheld from (SECRET REL GBR, read by a FRA officer cleared SECRET)', async () => {
    const response = await fetchForEvent(target(), QUERY, {}, event(), FRA_SECRET);
    expect(response.data).toEqual({ facilityUpdated: null });
    expect(response.errors).toBeUndefined();
  });

  it('gives null outside the area asked for, and for an event about another type', async () => {
    const elsewhere = record.area_pcode.startsWith('PS0255') ? 'PS0270' : 'PS0255';
    expect((await fetchForEvent(target(), QUERY, { area: elsewhere }, event(), GBR_SECRET)).data).toEqual({ facilityUpdated: null });
    expect((await fetchForEvent(target(), QUERY, {}, changeEvent('engineering', 'Area', record.id), GBR_SECRET)).data).toEqual({ facilityUpdated: null });
  });

  it('is an error without an event, and refused without a principal signed by the gateway', async () => {
    const direct = await fetchForEvent(target(), QUERY, {}, null, GBR_SECRET);
    expect(direct.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
    const unsigned = await fetchForEvent(target(), QUERY, {}, event(), null);
    expect(unsigned.status).toBe(401);
  });
});
