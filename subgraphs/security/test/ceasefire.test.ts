import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile, type Principal } from '@cmcc/subgraph-kit';
import { security } from '../src/server.ts';
import { incidents as incidentImport } from '../src/data/importers.ts';
import { REAL_INCIDENT_ID, REAL_ISR_OBSERVATION_ID } from '../src/data/seed.ts';
import { startTestSubgraph, TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';

/**
 * The ceasefire's implementation records and the ACLED alignment of the security seed, checked against the text of
 * the domain specification (docs/domain.md, "security" and "the ceasefire and the Yellow Line"): every expected value
 * below is copied from that text, never computed by the code under test.
 */

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(security);
});
afterAll(() => subgraph?.close());

const member = (claims: Partial<Principal> & Pick<Principal, 'subject' | 'clearance'>): Principal => ({
  nation: null,
  organization: null,
  workingGroups: [],
  roles: ['member'],
  scopes: [],
  participant: true,
  caveats: [],
  ...claims,
});

const USA_MEMBER = member({ subject: 'usa-member', nation: 'USA', organization: 'CMCC', clearance: 'CONFIDENTIAL' });
const GBR_CONFIDENTIAL = member({ subject: 'gbr-confidential', nation: 'GBR', organization: 'CMCC', clearance: 'CONFIDENTIAL' });
const GBR_RESTRICTED = member({ subject: 'gbr-restricted', nation: 'GBR', organization: 'CMCC', clearance: 'RESTRICTED' });
const DEU_SECRET = member({ subject: 'deu-secret', nation: 'DEU', organization: 'CMCC', clearance: 'SECRET', scopes: ['isr:read'] });
const EGY_LIAISON = member({ subject: 'egy-liaison', nation: 'EGY', organization: 'CMCC', clearance: 'UNCLASSIFIED' });
/** Humanitarian-only principals: a UN agency (WFP), holding isr:read by mistake, and a partner NGO. */
const WFP_OFFICER = member({ subject: 'wfp-officer', organization: 'XM-DAC-41140', clearance: 'UNCLASSIFIED', workingGroups: ['humanitarian'], scopes: ['isr:read'] });
const PARTNER_NGO = member({ subject: 'prcs-volunteer', organization: 'XI-CMCC-PRCS', clearance: 'UNCLASSIFIED', workingGroups: ['humanitarian'] });
/** Authenticated, cleared, but no CMCC participant claim: not a participant (fail closed). */
const NON_PARTICIPANT = member({ subject: 'qat-outsider', nation: 'QAT', clearance: 'SECRET', participant: false });

const CEASEFIRE_QUERY = `{
  ceasefirePhases { id name from to conditions source asOf statement marking { classification tlp originator releasableTo } }
  hostageReturns { id living count periodStart date via countedIn { id count } source asOf citedSources statement marking { classification tlp originator releasableTo } }
  detaineeReleases { id count approximate countBasis category periodStart date source asOf statement marking { classification tlp originator releasableTo } }
}`;

const PUBLIC = { classification: 'UNCLASSIFIED', tlp: 'CLEAR', originator: 'CMCC', releasableTo: ['CMCC'] };

describe('ceasefire implementation: the real, dated figures', () => {
  it('holds the ceasefire in force from 10 Oct 2025, with its source and date', async () => {
    const { data, errors } = await subgraph.execute(CEASEFIRE_QUERY, undefined, EGY_LIAISON);
    expect(errors).toBeUndefined();
    const real = data.ceasefirePhases.filter((p: any) => p.source !== 'SYNTHETIC');
    expect(real).toHaveLength(1);
    expect(real[0]).toMatchObject({ from: '2025-10-10', to: null, source: 'CMCC', asOf: '2025-10-10', marking: PUBLIC });
    expect(real[0].conditions.join(' ')).toContain('Yellow Line');
  });

  it('holds the 20 living hostages returned on 13 Oct 2025 and the 28 deceased returned 13 Oct 2025 - 26 Jan 2026, the last by an Israeli military operation', async () => {
    const { data, errors } = await subgraph.execute(CEASEFIRE_QUERY, undefined, EGY_LIAISON);
    expect(errors).toBeUndefined();
    const returns = data.hostageReturns;
    const living = returns.filter((r: any) => r.living);
    expect(living).toEqual([expect.objectContaining({ count: 20, periodStart: null, date: '2025-10-13', source: 'CMCC', asOf: '2025-10-13', countedIn: null, marking: PUBLIC })]);
    const figures = returns.filter((r: any) => !r.living && r.countedIn === null);
    expect(figures).toEqual([expect.objectContaining({ count: 28, periodStart: '2025-10-13', date: '2026-01-26', source: 'CMCC', asOf: '2026-01-26', marking: PUBLIC })]);
    // The last one is an event of its own, counted in the 28: never added to it.
    const events = returns.filter((r: any) => r.countedIn !== null);
    expect(events).toEqual([expect.objectContaining({ living: false, count: 1, date: '2026-01-26', countedIn: { id: figures[0].id, count: 28 }, marking: PUBLIC })]);
    expect(events[0].via).toMatch(/Israeli military operation/);
    for (const r of returns) expect(r.citedSources, r.id).toBeTruthy();
  });

  it('holds about 1,968 prisoners and detainees released on 13 Oct 2025, and 15 Palestinian remains for each deceased hostage', async () => {
    const { data, errors } = await subgraph.execute(CEASEFIRE_QUERY, undefined, EGY_LIAISON);
    expect(errors).toBeUndefined();
    expect(data.detaineeReleases).toEqual([
      expect.objectContaining({
        count: 1968,
        approximate: true,
        countBasis: 'TOTAL',
        category: 'PRISONERS_AND_DETAINEES',
        periodStart: null,
        date: '2025-10-13',
        source: 'CMCC',
        asOf: '2025-10-13',
        marking: PUBLIC,
      }),
      // A ratio, kept as stated: no total of remains is given, and none is made up by multiplying.
      expect.objectContaining({
        count: 15,
        approximate: false,
        countBasis: 'PER_DECEASED_HOSTAGE_RETURNED',
        category: 'REMAINS',
        periodStart: '2025-10-13',
        date: '2026-01-26',
        source: 'CMCC',
        asOf: '2026-01-26',
        marking: PUBLIC,
      }),
    ]);
  });

  it('names no person: no field for a name, and no proper noun but places, parties and months in any text', async () => {
    const { data } = await subgraph.execute(`{
      types: __schema { types { name fields { name } } }
    }`);
    for (const typeName of ['HostageReturn', 'DetaineeRelease', 'CeasefirePhase']) {
      const type = data.types.types.find((t: any) => t.name === typeName);
      const fields = type.fields.map((f: any) => f.name);
      expect(
        fields.filter((f: string) => /person|firstName|lastName|fullName|hostageName|detaineeName|identity/i.test(f)),
        typeName,
      ).toEqual([]);
    }
    const rows = [
      ...(await subgraph.db.query<any>('SELECT statement, via, cited_sources FROM hostage_return')),
      ...(await subgraph.db.query<any>('SELECT statement, cited_sources FROM detainee_release')),
      ...(await subgraph.db.query<any>("SELECT name, statement, cited_sources, array_to_string(conditions, ' ') AS conditions FROM ceasefire_phase")),
    ];
    const allowed = new Set(['The', 'For', 'Israel', 'Israeli', 'Palestinian', 'Palestinians', 'Yellow', 'Line', 'Oct', 'Jan', 'Public', 'Illustrative', 'Ceasefire']);
    for (const row of rows) {
      const text = Object.values(row).filter(Boolean).join(' ');
      const capitalised = text.match(/\b[A-Z][a-z]+\b/g) ?? [];
      expect(
        capitalised.filter((word) => !allowed.has(word)),
        text,
      ).toEqual([]);
    }
  });
});

describe('ceasefire implementation: releasability rule v2', () => {
  it('withholds the public figures from an authenticated principal without the participant claim', async () => {
    const { data, errors } = await subgraph.execute(CEASEFIRE_QUERY, undefined, NON_PARTICIPANT);
    expect(errors).toBeUndefined();
    expect(data).toEqual({ ceasefirePhases: [], hostageReturns: [], detaineeReleases: [] });
  });

  it('shows the illustrative CONFIDENTIAL FVEY planning phase to a cleared FVEY national only, never to a lower clearance, another nation or an NGO', async () => {
    const query = '{ ceasefirePhases { id source marking { classification originator } } }';
    const seen = async (principal: Principal) => {
      const { data, errors } = await subgraph.execute(query, undefined, principal);
      expect(errors).toBeUndefined();
      return data.ceasefirePhases.filter((p: any) => p.source === 'SYNTHETIC').map((p: any) => p.marking);
    };
    expect(await seen(USA_MEMBER)).toEqual([{ classification: 'CONFIDENTIAL', originator: 'USA' }]);
    expect(await seen(GBR_CONFIDENTIAL)).toHaveLength(1);
    expect(await seen(GBR_RESTRICTED)).toEqual([]); // clearance below CONFIDENTIAL
    expect(await seen(DEU_SECRET)).toEqual([]); // cleared, but DEU is not in FVEY
    expect(await seen(EGY_LIAISON)).toEqual([]);
    expect(await seen(PARTNER_NGO)).toEqual([]);
  });

  it('keeps a withheld hostage-return figure out of the list, and its link null with FORBIDDEN naming nothing', async () => {
    const marking = `'SECRET', ARRAY['GBR'], 'AMBER', 'GBR', '{}', ARRAY['NOFORN']`;
    await subgraph.db.query(
      `INSERT INTO hostage_return (id, living, count, event_date, source, as_of, statement, classification, releasable_to, tlp, originator, recipients, caveats)
       VALUES ('HR-TEST-WITHHELD', false, 3, '2025-11-01', 'SYNTHETIC', '2025-11-01', 'Illustrative record.', ${marking})`,
    );
    await subgraph.db.query(
      `INSERT INTO hostage_return (id, living, count, event_date, counted_in, source, as_of, statement, classification, releasable_to, tlp, originator, recipients, caveats)
       VALUES ('HR-TEST-EVENT', false, 1, '2025-11-01', 'HR-TEST-WITHHELD', 'SYNTHETIC', '2025-11-01', 'Illustrative record.', 'UNCLASSIFIED', ARRAY['CMCC'], 'GREEN', 'CMCC', '{}', '{}')`,
    );
    try {
      const query = '{ hostageReturns(living: false) { id countedIn { id } } }';
      // NOFORN, GBR-originated: a US principal cleared SECRET still must not see it.
      for (const principal of [TEST_PRINCIPAL, EGY_LIAISON, PARTNER_NGO]) {
        const { data, errors } = await subgraph.execute(query, undefined, principal);
        const ids = data.hostageReturns.map((r: any) => r.id);
        expect(ids, principal.subject).not.toContain('HR-TEST-WITHHELD');
        expect(data.hostageReturns.find((r: any) => r.id === 'HR-TEST-EVENT')).toEqual({ id: 'HR-TEST-EVENT', countedIn: null });
        expect(errors!.map((e) => e.extensions!.code)).toEqual(['FORBIDDEN']);
        expect(JSON.stringify(errors)).not.toMatch(/HR-TEST-WITHHELD|GBR|NOFORN|SECRET/);
      }
      const gbr = member({ subject: 'gbr-secret', nation: 'GBR', organization: 'CMCC', clearance: 'SECRET' });
      const { data, errors } = await subgraph.execute(query, undefined, gbr);
      expect(errors).toBeUndefined();
      expect(data.hostageReturns.find((r: any) => r.id === 'HR-TEST-EVENT')).toEqual({ id: 'HR-TEST-EVENT', countedIn: { id: 'HR-TEST-WITHHELD' } });
    } finally {
      await subgraph.db.query("DELETE FROM hostage_return WHERE id IN ('HR-TEST-EVENT', 'HR-TEST-WITHHELD')");
    }
  });

  it('keeps a TLP:RED detainee-release record from everyone but the named recipient and the originator', async () => {
    await subgraph.db.query(
      `INSERT INTO detainee_release (id, count, count_basis, category, event_date, source, as_of, statement, classification, releasable_to, tlp, originator, recipients, caveats)
       VALUES ('DR-TEST-RED', 5, 'TOTAL', 'DETAINEES', '2025-11-02', 'SYNTHETIC', '2025-11-02', 'Illustrative record.', 'UNCLASSIFIED', ARRAY['CMCC'], 'RED', 'XM-DAC-41127', ARRAY['egy-liaison'], '{}')`,
    );
    try {
      const seen = async (principal: Principal) => (await subgraph.execute('{ detaineeReleases { id } }', undefined, principal)).data.detaineeReleases.map((r: any) => r.id);
      expect(await seen(EGY_LIAISON)).toContain('DR-TEST-RED');
      const ocha = member({ subject: 'ocha-officer', organization: 'XM-DAC-41127', clearance: 'UNCLASSIFIED' });
      expect(await seen(ocha)).toContain('DR-TEST-RED');
      // RED is never widened by a nation, a group code or a clearance.
      for (const principal of [TEST_PRINCIPAL, USA_MEMBER, WFP_OFFICER, PARTNER_NGO]) expect(await seen(principal), principal.subject).not.toContain('DR-TEST-RED');
    } finally {
      await subgraph.db.query("DELETE FROM detainee_release WHERE id = 'DR-TEST-RED'");
    }
  });
});

/** Actor names as ACLED writes them in its Palestine data (state forces carry the year their regime began). */
const ACLED_ACTORS = new Set([
  'Military Forces of Israel (2022-)',
  'Hamas Movement',
  'Civilians (Palestine)',
  'Unidentified Armed Group (Palestine)',
  'Protesters (Palestine)',
  'Rioters (Palestine)',
  'Police Forces of Palestine (2007-) Gaza Strip',
]);

/** ACLED's event types, with their sub-event types, as its codebook writes them (the enum names are these upper-cased). */
const ACLED_TAXONOMY: Record<string, string[]> = {
  Battles: ['Armed clash', 'Government regains territory', 'Non-state actor overtakes territory'],
  'Explosions/Remote violence': ['Chemical weapon', 'Air/drone strike', 'Suicide bomb', 'Shelling/artillery/missile attack', 'Remote explosive/landmine/IED', 'Grenade'],
  'Violence against civilians': ['Sexual violence', 'Attack', 'Abduction/forced disappearance'],
  Protests: ['Peaceful protest', 'Protest with intervention', 'Excessive force against protesters'],
  Riots: ['Violent demonstration', 'Mob violence'],
  'Strategic developments': [
    'Agreement',
    'Arrests',
    'Change to group/activity',
    'Disrupted weapons use',
    'Headquarters or base established',
    'Looting/property destruction',
    'Non-violent transfer of territory',
    'Other',
  ],
};
const enumName = (label: string) => label.toUpperCase().replace(/[^A-Z]+/g, '_');

describe('security seed: ACLED alignment and the record of 31 Oct 2025', () => {
  it('names every seeded actor as ACLED does, and codes every event with an ACLED event type and one of its own sub-event types', async () => {
    const rows = await subgraph.db.query<{ actor1: string; actor2: string | null; event_type: string; sub_event_type: string | null }>(
      "SELECT actor1, actor2, event_type, sub_event_type FROM security_incident WHERE recorded_via = 'SEED'",
    );
    const actors = new Set(rows.flatMap((r) => [r.actor1, r.actor2]).filter((a): a is string => a !== null));
    expect([...actors].filter((a) => !ACLED_ACTORS.has(a))).toEqual([]);
    expect(actors.has('Military Forces of Israel (2022-)')).toBe(true);
    const allowed = new Map(Object.entries(ACLED_TAXONOMY).map(([type, subs]) => [enumName(type), new Set(subs.map(enumName))]));
    // ACLED's "Arrests" is the enum's ARREST.
    allowed.get('STRATEGIC_DEVELOPMENTS')!.add('ARREST');
    for (const row of rows) {
      expect(allowed.has(row.event_type), row.event_type).toBe(true);
      if (row.sub_event_type) expect(allowed.get(row.event_type)!.has(row.sub_event_type), `${row.event_type}/${row.sub_event_type}`).toBe(true);
    }
    const parties = await subgraph.db.query<{ alleged_party: string }>('SELECT DISTINCT alleged_party FROM ceasefire_violation_report');
    for (const { alleged_party } of parties) expect(ACLED_ACTORS.has(alleged_party), alleged_party).toBe(true);
  });

  it('imports an ACLED export that writes the sub-event type "Arrests"', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-security-arrests-'));
    try {
      const file = path.join(dir, 'arrests.csv');
      fs.writeFileSync(
        file,
        'event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,admin1,admin2,location,source,notes,cmcc_source\n' +
          'PSE-SYN-ARRESTS,2025-12-10,Strategic developments,Arrests,Police Forces of Palestine (2007-) Gaza Strip,Civilians (Palestine),Gaza Strip,Deir al Balah,Deir al-Balah,Synthetic wire report,Illustrative record,SYNTHETIC\n',
      );
      const marking = { classification: 'UNCLASSIFIED' as const, releasableTo: ['CMCC'], tlp: 'GREEN' as const, originator: 'CMCC', recipients: [], caveats: [] };
      const report = await importFile(subgraph.db, incidentImport, file, { subject: 'import:test', marking });
      expect(report).toMatchObject({ created: 1, rejected: 0, problems: [] });
      const [row] = await subgraph.db.query<{ sub_event_type: string }>("SELECT sub_event_type FROM security_incident WHERE source_event_id = 'PSE-SYN-ARRESTS'");
      expect(row.sub_event_type).toBe('ARREST');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('seeds the CENTCOM record of 31 Oct 2025 exactly: Strategic developments / Looting/property destruction in northern Khan Younis, suspected Hamas operatives, driver unknown', async () => {
    const { data, errors } = await subgraph.execute(`{
      incident(id: "${REAL_INCIDENT_ID}") {
        eventDate eventType subEventType actor1 actor2 locationName area { pcode } affectsAid source verification verificationNote
        fatalities injured notes marking { classification tlp originator }
      }
      isrObservation(id: "${REAL_ISR_OBSERVATION_ID}") { platform observedOn source summary incident { id } marking { classification originator } }
    }`);
    expect(errors).toBeUndefined();
    expect(data.incident).toMatchObject({
      eventDate: '2025-10-31',
      eventType: 'STRATEGIC_DEVELOPMENTS',
      subEventType: 'LOOTING_PROPERTY_DESTRUCTION',
      actor1: 'Hamas Movement',
      actor2: null,
      locationName: 'Northern Khan Younis',
      area: { pcode: 'PS0270' },
      affectsAid: true,
      source: 'CENTCOM',
      fatalities: null,
      injured: null,
      // Made public by CENTCOM: the incident itself is a public record.
      marking: { classification: 'UNCLASSIFIED', tlp: 'CLEAR', originator: 'USA' },
    });
    expect(data.incident.notes).toMatch(/MQ-9/);
    expect(data.incident.notes).toMatch(/aid truck/);
    expect(data.incident.notes).toMatch(/suspected Hamas operatives/);
    expect(data.incident.notes).toMatch(/driver's status is unknown/);
    expect(data.incident.verificationNote).toMatch(/MQ-9/);
    expect(data.isrObservation).toMatchObject({
      platform: 'MQ-9',
      observedOn: '2025-10-31',
      source: 'CENTCOM',
      incident: { id: REAL_INCIDENT_ID },
      marking: { classification: 'SECRET', originator: 'USA' },
    });
  });

  it('never shows the SECRET MQ-9 observation to a humanitarian-only principal, nor to a SECRET-cleared nation outside its release', async () => {
    const query = `{ isrObservation(id: "${REAL_ISR_OBSERVATION_ID}") { id summary } isrObservations(first: 500) { totalCount edges { node { id } } } }`;
    for (const principal of [WFP_OFFICER, DEU_SECRET]) {
      const { data, errors } = await subgraph.execute(query, undefined, principal);
      expect(data.isrObservation, principal.subject).toBeNull();
      expect(errors!.map((e) => e.extensions!.code)).toEqual(['FORBIDDEN']);
      expect(data.isrObservations.edges.map((e: any) => e.node.id)).not.toContain(REAL_ISR_OBSERVATION_ID);
    }
    // The partner NGO holds no isr:read: the field itself is refused.
    const ngo = await subgraph.execute(query, undefined, PARTNER_NGO);
    expect(ngo.data?.isrObservation ?? null).toBeNull();
    expect(JSON.stringify(ngo.data ?? {})).not.toContain(REAL_ISR_OBSERVATION_ID);
  });

  it('seeds security closures of a crossing only while it was open: Kissufim from 20 Oct, Zikim from 12 Nov, Erez until 22 Oct 2025, Rafah never', async () => {
    const rows = await subgraph.db.query<{ crossing_id: string; starts_at: Date; ends_at: Date | null }>('SELECT crossing_id, starts_at, ends_at FROM crossing_closure');
    const of = (id: string) => rows.filter((r) => r.crossing_id === id);
    expect(of('RAFAH')).toEqual([]);
    expect(of('EREZ_WEST')).toEqual([]); // Zikim's other name: one crossing, one id
    for (const r of of('KISSUFIM')) expect(new Date(r.starts_at).toISOString() >= '2025-10-20').toBe(true);
    for (const r of of('ZIKIM')) expect(new Date(r.starts_at).toISOString() >= '2025-11-12').toBe(true);
    for (const r of of('EREZ')) expect(new Date(r.starts_at).toISOString() < '2025-10-23').toBe(true);
    expect(of('ZIKIM').length).toBeGreaterThan(0);
  });

  it('gives every seeded verification other than UNVERIFIED its note, and every seeded marking fits its originator', async () => {
    const unexplained = await subgraph.db.query("SELECT id FROM security_incident WHERE recorded_via = 'SEED' AND verification <> 'UNVERIFIED' AND verification_note IS NULL");
    expect(unexplained).toEqual([]);
    // Nations originate classified records, except records their source made public; organisations originate UNCLASSIFIED ones under TLP.
    const publicRecords = new Set([REAL_INCIDENT_ID]);
    for (const table of [
      'security_incident',
      'ceasefire_violation_report',
      'isr_observation',
      'threat_assessment',
      'crossing_closure',
      'ceasefire_phase',
      'hostage_return',
      'detainee_release',
    ]) {
      const rows = await subgraph.db.query<{ id: string; originator: string; classification: string }>(`SELECT id, originator, classification FROM ${table}`);
      for (const row of rows) {
        const nation = /^[A-Z]{3}$/.test(row.originator);
        if (nation && !publicRecords.has(row.id)) expect(row.classification, `${table} ${row.id}`).not.toBe('UNCLASSIFIED');
        if (!nation) expect(row.classification, `${table} ${row.id}`).toBe('UNCLASSIFIED');
      }
    }
  });
});
