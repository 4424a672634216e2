import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { civilAdministration } from '../src/server.ts';
import { startTestSubgraph, TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { authorizeWrite, markingFromRow, type MarkingRow, type Principal } from '@cmcc/subgraph-kit';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(civilAdministration);
});
afterAll(() => subgraph?.close());

const MARKING = { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' };
const SITE = {
  name: 'Khan Younis Technical College',
  type: 'COLLECTIVE_CENTRE',
  areaPcode: 'PS027001',
  households: 120,
  individuals: 700,
  source: 'PARTNER',
  asOf: '2025-11-21',
  marking: MARKING,
};
const UPSERT_SITE = `mutation($input: UpsertDisplacementSiteInput!, $key: String) {
  upsertDisplacementSite(input: $input, idempotencyKey: $key) {
    displacementSite { id name individuals provenance { version recordedBy recordedVia updatedBy } history { version operation changedBy fields { field previousValue newValue } } }
    userErrors { field code message }
  }
}`;
const count = async (table: string) => (await subgraph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

describe('upsertDisplacementSite', () => {
  it('creates a site with provenance and a CREATE entry in its history', async () => {
    const { data, errors } = await subgraph.execute(UPSERT_SITE, { input: SITE });
    expect(errors).toBeUndefined();
    const { displacementSite, userErrors } = data.upsertDisplacementSite;
    expect(userErrors).toEqual([]);
    expect(displacementSite.provenance).toEqual({ version: 1, recordedBy: 'test-editor', recordedVia: 'MUTATION:upsertDisplacementSite', updatedBy: null });
    expect(displacementSite.history).toHaveLength(1);
    expect(displacementSite.history[0]).toMatchObject({ version: 1, operation: 'CREATE', changedBy: 'test-editor' });
  });

  it('returns field-level user errors for invalid input and writes nothing', async () => {
    const before = await count('displacement_site');
    const { data } = await subgraph.execute(UPSERT_SITE, {
      input: {
        ...SITE,
        households: -5,
        individuals: -10,
        latitude: 48.85,
        marking: { ...MARKING, tlp: 'RED', releasableTo: ['GBR', 'Britain'] },
      },
    });
    const errors = data.upsertDisplacementSite.userErrors.map((e: { field: string[]; code: string }) => `${e.field.join('.')}:${e.code}`);
    expect(errors).toEqual(
      expect.arrayContaining(['input.households:INVALID', 'input.latitude:INVALID', 'input.marking.recipients:REQUIRED', 'input.marking.releasableTo:INVALID']),
    );
    expect(data.upsertDisplacementSite.displacementSite).toBeNull();
    expect(await count('displacement_site')).toBe(before);
  });

  it('refuses an unknown P-code as UNKNOWN_REFERENCE', async () => {
    const { data } = await subgraph.execute(UPSERT_SITE, { input: { ...SITE, areaPcode: 'PS0299' } });
    expect(data.upsertDisplacementSite.userErrors).toEqual([expect.objectContaining({ field: ['input', 'areaPcode'], code: 'UNKNOWN_REFERENCE' })]);
  });

  it('updates with the current version, and refuses a stale version with CONFLICT without changing anything', async () => {
    const created = (await subgraph.execute(UPSERT_SITE, { input: SITE })).data.upsertDisplacementSite.displacementSite;
    const update = await subgraph.execute(UPSERT_SITE, { input: { ...SITE, id: created.id, version: 1, individuals: 900 } });
    const updated = update.data.upsertDisplacementSite.displacementSite;
    expect(updated.provenance).toMatchObject({ version: 2, updatedBy: 'test-editor' });
    expect(updated.history[1]).toEqual({
      version: 2,
      operation: 'UPDATE',
      changedBy: 'test-editor',
      fields: [{ field: 'individuals', previousValue: '700', newValue: '900' }],
    });

    const stale = await subgraph.execute(UPSERT_SITE, { input: { ...SITE, id: created.id, version: 1, individuals: 650 } });
    expect(stale.data.upsertDisplacementSite.userErrors).toEqual([expect.objectContaining({ field: ['input', 'version'], code: 'CONFLICT' })]);
    const [row] = await subgraph.db.query<{ individuals: number; version: number }>('SELECT individuals, version FROM displacement_site WHERE id = $1', [created.id]);
    expect(row).toEqual({ individuals: 900, version: 2 });
  });

  it('requires the version to update, and answers NOT_FOUND for an unknown id', async () => {
    const missingVersion = await subgraph.execute(UPSERT_SITE, { input: { ...SITE, id: 'SITE-0001' } });
    expect(missingVersion.data.upsertDisplacementSite.userErrors[0]).toMatchObject({ field: ['input', 'version'], code: 'REQUIRED' });
    const unknown = await subgraph.execute(UPSERT_SITE, { input: { ...SITE, id: 'SITE-NOPE', version: 1 } });
    expect(unknown.data.upsertDisplacementSite.userErrors[0]).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('writes once for a retried request with the same idempotency key, and refuses the key for a different request', async () => {
    const before = await count('displacement_site');
    const first = await subgraph.execute(UPSERT_SITE, { input: SITE, key: 'retry-1' });
    const again = await subgraph.execute(UPSERT_SITE, { input: SITE, key: 'retry-1' });
    expect(again.data.upsertDisplacementSite.displacementSite.id).toBe(first.data.upsertDisplacementSite.displacementSite.id);
    expect(await count('displacement_site')).toBe(before + 1);
    const reused = await subgraph.execute(UPSERT_SITE, { input: { ...SITE, individuals: 701 }, key: 'retry-1' });
    expect(reused.data.upsertDisplacementSite.userErrors[0]).toMatchObject({ field: ['idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await count('displacement_site')).toBe(before + 1);
  });

  it('leaves nothing behind when the database fails midway through the write', async () => {
    const before = { sites: await count('displacement_site'), history: await count('record_change'), keys: await count('idempotency_key') };
    const stop = subgraph.db.onQuery((sql) => {
      if (sql.includes('INSERT INTO record_change')) throw new Error('injected failure');
    });
    try {
      const { data, errors } = await subgraph.execute(UPSERT_SITE, { input: SITE, key: 'fails-midway' });
      expect(data?.upsertDisplacementSite ?? null).toBeNull();
      expect(errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(errors?.[0].message).not.toContain('injected');
    } finally {
      stop();
    }
    expect({ sites: await count('displacement_site'), history: await count('record_change'), keys: await count('idempotency_key') }).toEqual(before);
  });
});

describe('recordPopulationMovement and recordServiceStatus', () => {
  const RECORD_MOVEMENT = `mutation($input: RecordPopulationMovementInput!) {
    recordPopulationMovement(input: $input) { populationMovement { id count area { pcode } provenance { version } } userErrors { field code } }
  }`;
  const movement = {
    monitoringPoint: 'Al-Rashid Road (coastal)',
    areaPcode: 'PS026002',
    date: '2026-01-10',
    direction: 'S_TO_N',
    count: 1200,
    source: 'PARTNER',
    marking: MARKING,
  };

  it('records a count once and refuses a second count for the same point, day and direction', async () => {
    const first = await subgraph.execute(RECORD_MOVEMENT, { input: movement });
    expect(first.data.recordPopulationMovement.userErrors).toEqual([]);
    expect(first.data.recordPopulationMovement.populationMovement).toMatchObject({ count: 1200, area: { pcode: 'PS026002' }, provenance: { version: 1 } });
    const second = await subgraph.execute(RECORD_MOVEMENT, { input: { ...movement, count: 5 } });
    expect(second.data.recordPopulationMovement.userErrors).toEqual([{ field: ['input'], code: 'DUPLICATE' }]);
  });

  it('rejects a negative count and a malformed date', async () => {
    const negative = await subgraph.execute(RECORD_MOVEMENT, { input: { ...movement, date: '2026-01-11', count: -1 } });
    expect(negative.data.recordPopulationMovement.userErrors).toEqual([{ field: ['input', 'count'], code: 'INVALID' }]);
    const badDate = await subgraph.execute(RECORD_MOVEMENT, { input: { ...movement, date: '2026-02-30' } });
    expect(badDate.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('replaces a facility status only with the version last read', async () => {
    const RECORD_STATUS = `mutation($input: RecordServiceStatusInput!) {
      recordServiceStatus(input: $input) { facility { id serviceStatus { functionality provenance { version } history { operation } } } userErrors { field code } }
    }`;
    const status = {
      facilityId: 'FAC-HOSPITAL-001',
      functionality: 'FULL',
      buildingCondition: 'PARTIALLY_DAMAGED',
      accessibility: 'ACCESSIBLE',
      asOf: '2025-11-22',
      source: 'WHO',
      marking: MARKING,
    };
    const withoutVersion = await subgraph.execute(RECORD_STATUS, { input: status });
    expect(withoutVersion.data.recordServiceStatus.userErrors).toEqual([{ field: ['input', 'version'], code: 'REQUIRED' }]);
    // The seeded status keeps its marking (its originator is not the editor, who may not relax it).
    const [stored] = await subgraph.db.query<MarkingRow>("SELECT * FROM facility_service_status WHERE id = 'FAC-HOSPITAL-001'");
    const { classification, releasableTo, tlp, originator, recipients, caveats, nationalMarking } = markingFromRow(stored);
    const kept = { classification, releasableTo, tlp, originator, recipients, caveats, nationalMarking };
    const ok = await subgraph.execute(RECORD_STATUS, { input: { ...status, version: 1, marking: kept } });
    expect(ok.data.recordServiceStatus.facility.serviceStatus).toEqual({ functionality: 'FULL', provenance: { version: 2 }, history: [{ operation: 'UPDATE' }] });
    const fresh = await subgraph.execute(RECORD_STATUS, { input: { ...status, facilityId: 'FAC-NEW-CLINIC' } });
    expect(fresh.data.recordServiceStatus.facility.serviceStatus.provenance).toEqual({ version: 1 });
  });
});

describe('editing withheld records', () => {
  it('answers an edit of a site not released to the editor exactly like an unknown id, and changes nothing', async () => {
    const gbrEditor: Principal = { ...TEST_PRINCIPAL, subject: 'gbr-ca-editor', nation: 'GBR', clearance: 'RESTRICTED', scopes: ['write:civil-administration'] };
    const rows = await subgraph.db.query<MarkingRow & { id: string; version: number; individuals: number }>('SELECT * FROM displacement_site ORDER BY id');
    const hidden = rows.find((row) => !releasedToPrincipal(gbrEditor, row as unknown as MarkingRow))!;
    expect(hidden).toBeDefined();
    const { data } = await subgraph.execute(UPSERT_SITE, { input: { ...SITE, id: hidden.id, version: hidden.version } }, gbrEditor);
    expect(data.upsertDisplacementSite.userErrors).toEqual([{ field: ['input', 'id'], code: 'NOT_FOUND', message: `No DisplacementSite has the id "${hidden.id}"` }]);
    const [after] = await subgraph.db.query<{ individuals: number }>('SELECT individuals FROM displacement_site WHERE id = $1', [hidden.id]);
    expect(after.individuals).toBe(hidden.individuals);
  });
});

describe('write authorization', () => {
  it('lets only principals with write:<group> write that group’s records', () => {
    const securityEditor: Principal = { ...TEST_PRINCIPAL, subject: 'gbr-security-editor', scopes: ['write:security'] };
    expect(() => authorizeWrite(securityEditor, 'security')).not.toThrow();
    expect(() => authorizeWrite(securityEditor, 'civil-administration')).toThrow(/write:civil-administration/);
    try {
      authorizeWrite(securityEditor, 'civil-administration');
    } catch (error) {
      expect((error as { extensions: { code: string } }).extensions.code).toBe('FORBIDDEN');
    }
  });
});
