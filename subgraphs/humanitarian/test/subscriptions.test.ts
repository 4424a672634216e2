import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGE_EVENT_HEADER, PRINCIPAL_HEADER, signPrincipal, type Principal } from '@cmcc/subgraph-kit';
import { humanitarian } from '../src/server.ts';
import { startTestSubgraph, TEST_PRINCIPAL, TEST_SHARED_SECRET, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { changeEvent, fetchForEvent } from '@cmcc/test-support/change-events';
import { convoyRequest, REQUEST_CONVOY } from '@cmcc/test-support/convoys';

/**
 * The subgraph half of live subscriptions: the gateway POSTs a subscription's root field with one change event, signed
 * as the subscriber, and gets the record as that subscriber may see it under rule v2 (docs/security.md), or null,
 * which the gateway delivers as no event at all. Expected answers come from the rule's text, spelled out per case.
 */

let subgraph: TestSubgraph;
const target = () => ({ url: subgraph.url, name: 'humanitarian' });
beforeAll(async () => {
  subgraph = await startTestSubgraph(humanitarian);
});
afterAll(async () => {
  await subgraph?.close();
});

const principal = (subject: string, fields: Partial<Principal>): Principal => ({
  subject,
  nation: null,
  organization: null,
  workingGroups: ['humanitarian'],
  roles: ['member'],
  scopes: [],
  clearance: 'UNCLASSIFIED',
  participant: true,
  caveats: [],
  ...fields,
});
/** Cleared SECRET, of a nation the convoy below is released to (rule 3: GBR is in releasableTo). */
const GBR_SECRET = principal('gbr-officer', { nation: 'GBR', clearance: 'SECRET' });
/** Cleared SECRET too, but FRA is not in releasableTo [GBR] and not the originator (USA): withheld by rule 3. */
const FRA_SECRET = principal('fra-officer', { nation: 'FRA', clearance: 'SECRET' });
const UNICEF = 'XM-DAC-41122';
const WHO = 'XM-DAC-928';

const CONVOY_UPDATED = `subscription($area: ID, $crossing: ID) {
  convoyUpdated(area: $area, crossing: $crossing) { id status destination { pcode } crossing { id } marking { classification releasableTo } }
}`;

let convoyId: string;
beforeAll(async () => {
  // Written by a US editor (rule 1: USA is the originator): SECRET, TLP:AMBER, released to GBR only.
  const marking = { classification: 'SECRET', releasableTo: ['GBR'], tlp: 'AMBER', originator: 'USA' };
  const route = { route: 'Illustrative route: Kerem Shalom, Salah al-Din Road', driverNames: ['Synthetic driver A'] };
  const { data, errors } = await subgraph.execute(REQUEST_CONVOY, { input: convoyRequest(marking, route) }, TEST_PRINCIPAL);
  expect(errors).toBeUndefined();
  expect(data.requestConvoy.userErrors).toEqual([]);
  convoyId = data.requestConvoy.convoy.id;
});

describe('convoyUpdated for one change event', () => {
  it('gives the convoy to a subscriber it is released to', async () => {
    const { status, data, errors } = await fetchForEvent(target(), CONVOY_UPDATED, {}, changeEvent('humanitarian', 'Convoy', convoyId), GBR_SECRET);
    expect(errors).toBeUndefined();
    expect(status).toBe(200);
    expect(data.convoyUpdated).toMatchObject({
      id: convoyId,
      destination: { pcode: 'PS027001' },
      crossing: { id: 'KEREM_SHALOM' },
      marking: { classification: 'SECRET', releasableTo: ['GBR'] },
    });
  });

  it('gives null, and no error naming anything, to a subscriber the convoy is withheld from', async () => {
    const response = await fetchForEvent(target(), CONVOY_UPDATED, {}, changeEvent('humanitarian', 'Convoy', convoyId), FRA_SECRET);
    expect(response.data).toEqual({ convoyUpdated: null });
    expect(response.errors).toBeUndefined();
  });

  it('gives null when the convoy is not in the area or crossing asked for, and the convoy when it is (an area holds its localities)', async () => {
    const event = () => changeEvent('humanitarian', 'Convoy', convoyId);
    const other = await fetchForEvent(target(), CONVOY_UPDATED, { area: 'PS0255' }, event(), GBR_SECRET);
    expect(other.data).toEqual({ convoyUpdated: null });
    const otherCrossing = await fetchForEvent(target(), CONVOY_UPDATED, { crossing: 'RAFAH' }, event(), GBR_SECRET);
    expect(otherCrossing.data).toEqual({ convoyUpdated: null });
    const governorate = await fetchForEvent(target(), CONVOY_UPDATED, { area: 'PS0270', crossing: 'KEREM_SHALOM' }, event(), GBR_SECRET);
    expect(governorate.data.convoyUpdated).toMatchObject({ id: convoyId });
  });

  it('gives null for an event about another type of record or a record that does not exist', async () => {
    const report = await fetchForEvent(target(), CONVOY_UPDATED, {}, changeEvent('humanitarian', 'CrossingDailyReport', convoyId), GBR_SECRET);
    expect(report.data).toEqual({ convoyUpdated: null });
    const gone = await fetchForEvent(target(), CONVOY_UPDATED, {}, changeEvent('humanitarian', 'Convoy', 'CONVOY-NO-SUCH'), GBR_SECRET);
    expect(gone.data).toEqual({ convoyUpdated: null });
  });

  it('is never cacheable', async () => {
    const response = await fetch(`${subgraph.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [PRINCIPAL_HEADER]: await signPrincipal(GBR_SECRET, TEST_SHARED_SECRET, 'humanitarian'),
        [CHANGE_EVENT_HEADER]: JSON.stringify(changeEvent('humanitarian', 'Convoy', convoyId)),
      },
      body: JSON.stringify({ query: 'subscription { convoyUpdated { id crossing { id name } } }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('a subscription operation without the gateway', () => {
  it('is an error saying subscriptions are served by the gateway, when no event comes with it', async () => {
    const { data, errors } = await fetchForEvent(target(), CONVOY_UPDATED, {}, null, GBR_SECRET);
    expect(data).toEqual({ convoyUpdated: null });
    expect(errors?.[0].extensions?.code).toBe('BAD_REQUEST');
    expect(errors?.[0].message).toMatch(/gateway/);
  });

  it('is refused with 401 when the event comes without a principal signed by the gateway, or signed with another secret', async () => {
    const event = changeEvent('humanitarian', 'Convoy', convoyId);
    const unsigned = await fetchForEvent(target(), CONVOY_UPDATED, {}, event, null);
    expect(unsigned.status).toBe(401);
    expect(unsigned.data).toBeUndefined();
    const forged = await fetchForEvent(target(), CONVOY_UPDATED, {}, event, GBR_SECRET, new TextEncoder().encode('not-the-gateway-secret-but-long-enough-to-sign'));
    expect(forged.status).toBe(401);
    expect(forged.data).toBeUndefined();
  });

  it('is refused with 400 when the event header is not a change event', async () => {
    const response = await fetchForEvent(target(), CONVOY_UPDATED, {}, '{"entityType":"Convoy"}', GBR_SECRET);
    expect(response.status).toBe(400);
    expect(response.errors?.[0].message).toMatch(/not a change event/);
  });
});

describe('crossingReportRecorded and medicalEvacuationUpdated', () => {
  it('a crossing report reaches subscribers of its crossing only', async () => {
    const [report] = await subgraph.db.query<{ id: string; crossing_id: string }>(
      `SELECT id, crossing_id FROM crossing_daily_report WHERE tlp = 'CLEAR' AND classification = 'UNCLASSIFIED' ORDER BY id LIMIT 1`,
    );
    const query = 'subscription($crossing: ID) { crossingReportRecorded(crossing: $crossing) { id crossing { id } } }';
    const event = () => changeEvent('humanitarian', 'CrossingDailyReport', report.id);
    const mine = await fetchForEvent(target(), query, { crossing: report.crossing_id }, event(), FRA_SECRET);
    expect(mine.data.crossingReportRecorded).toEqual({ id: report.id, crossing: { id: report.crossing_id } });
    const other = await fetchForEvent(target(), query, { crossing: report.crossing_id === 'RAFAH' ? 'KEREM_SHALOM' : 'RAFAH' }, event(), FRA_SECRET);
    expect(other.data).toEqual({ crossingReportRecorded: null });
  });

  it('a medical evacuation reaches a UN agency cleared for MEDICAL, and not one without the caveat (rule 4)', async () => {
    // A WHO case: UNCLASSIFIED, TLP:AMBER, released to the UN, caveat MEDICAL (the seed, docs/domain.md).
    const [medevac] = await subgraph.db.query<{ id: string; area_pcode: string }>(
      `SELECT id, area_pcode FROM medical_evacuation WHERE originator = $1 AND caveats = ARRAY['MEDICAL'] AND releasable_to = ARRAY['UN'] AND tlp = 'AMBER' ORDER BY id LIMIT 1`,
      [WHO],
    );
    const query = 'subscription($area: ID) { medicalEvacuationUpdated(area: $area) { id } }';
    const event = () => changeEvent('humanitarian', 'MedicalEvacuation', medevac.id);
    const cleared = await fetchForEvent(
      target(),
      query,
      { area: medevac.area_pcode.slice(0, 6) },
      event(),
      principal('unicef-health', { organization: UNICEF, caveats: ['MEDICAL'] }),
    );
    expect(cleared.data.medicalEvacuationUpdated).toEqual({ id: medevac.id });
    const notCleared = await fetchForEvent(target(), query, {}, event(), principal('unicef-wash', { organization: UNICEF }));
    expect(notCleared.data).toEqual({ medicalEvacuationUpdated: null });
    expect(notCleared.errors).toBeUndefined();
  });
});
