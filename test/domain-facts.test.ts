import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYST_CLAIMS, startStack, type TestStack } from '@cmcc/test-support/stack';

/**
 * The seed data meets the domain specification (docs/domain.md, "What is real and what is illustrative"): every real,
 * dated figure [R] is in the graph, read through the gateway by a principal that may read public records, with its source
 * and its date; and no figure is shown merged across sources. The expected values are written here from the specification's
 * text, never computed by the code under test. A figure the graph does not carry fails with a message naming it.
 */

/** An operations dashboard's service account: a CMCC participant without a nation, cleared UNCLASSIFIED, reading public records. */
const DASHBOARD = { sub: 'facts-dashboard', org: 'CMCC', clearance: 'UNCLASSIFIED', roles: ['dashboard'], scope: 'read:*', cmcc: true };

/** One real figure: what it is, its value, its source and date as the specification gives them, and where the graph keeps it. */
interface RealFigure {
  figure: string;
  value: number | string;
  source: string;
  asOf: string;
  where: string;
}

/**
 * Every [R] figure of the specification. `source`/`asOf` are the specification's; where it names no publisher, the CMCC's own
 * record (`CMCC`) or a partner report (`PARTNER`) is what the graph states, and `asOf` is the date the text gives.
 */
const REAL: RealFigure[] = [
  { figure: 'Governorates: COD-AB P-codes, names, ISO 3166-2 codes', value: 5, source: 'OCHA', asOf: 'COD-AB', where: 'Area.pcode, Area.name, Area.iso3166_2' },
  { figure: 'North Gaza pre-war population', value: 448_000, source: 'PCBS', asOf: '2023-10-06', where: 'Area(PS0255).populationEstimates' },
  { figure: 'Gaza pre-war population', value: 754_000, source: 'PCBS', asOf: '2023-10-06', where: 'Area(PS0260).populationEstimates' },
  {
    figure: 'The three southern governorates together, pre-war',
    value: 1_030_000,
    source: 'PCBS',
    asOf: '2023-10-06',
    where: 'Area(PS02).populationEstimates (its description says it covers the three southern governorates only)',
  },
  { figure: 'North Gaza, civil registry end-2020', value: 368_721, source: 'MOI', asOf: '2020-12-31', where: 'Area(PS0255).populationEstimates' },
  { figure: 'Gaza, civil registry end-2020', value: 847_712, source: 'MOI', asOf: '2020-12-31', where: 'Area(PS0260).populationEstimates' },
  { figure: 'Deir Al-Balah, civil registry end-2020', value: 316_144, source: 'MOI', asOf: '2020-12-31', where: 'Area(PS0265).populationEstimates' },
  { figure: 'Khan Younis, civil registry end-2020', value: 439_729, source: 'MOI', asOf: '2020-12-31', where: 'Area(PS0270).populationEstimates' },
  { figure: 'Rafah, civil registry end-2020', value: 281_755, source: 'MOI', asOf: '2020-12-31', where: 'Area(PS0275).populationEstimates' },
  { figure: 'Gaza Strip population (PCBS 2024-25)', value: 2_100_000, source: 'PCBS', asOf: '2024-25', where: 'Area(PS02).populationEstimates' },
  { figure: 'Gaza Strip surface, km²', value: 365, source: '(not given)', asOf: '(not given)', where: 'Area.surfaceKm2 of PS02' },
  {
    figure: 'South-to-north movements, first ~10 days of the ceasefire (movements, not people)',
    value: 425_000,
    source: 'OCHA',
    asOf: '2025-10-19',
    where: 'Area.populationMovements',
  },
  { figure: 'Zikim reopened (closed since 12 Sep 2025); alias Erez West', value: 'OPEN', source: 'CMCC', asOf: '2025-11-12', where: 'Crossing(ZIKIM).statusHistory' },
  { figure: 'Kissufim reopened', value: 'OPEN', source: 'CMCC', asOf: '2025-10-20', where: 'Crossing(KISSUFIM).statusHistory' },
  { figure: 'Erez closed as of', value: 'CLOSED', source: 'CMCC', asOf: '2025-10-22', where: 'Crossing(EREZ).statusHistory' },
  { figure: 'Rafah closed from May 2024', value: 'CLOSED', source: 'CMCC', asOf: '2024-05', where: 'Crossing(RAFAH).statusHistory' },
  { figure: 'Rafah open for WHO medical evacuations 1 Feb-18 Mar 2025', value: 'RESTRICTED', source: 'CMCC', asOf: '2025-02-01', where: 'Crossing(RAFAH).statusHistory' },
  { figure: 'Rafah closed through the Oct 2025 ceasefire', value: 'CLOSED', source: 'CMCC', asOf: '2025-03-19', where: 'Crossing(RAFAH).statusHistory' },
  { figure: 'Rafah reopened for limited movement of people', value: 'RESTRICTED', source: 'CMCC', asOf: '2026-02-02', where: 'Crossing(RAFAH).statusHistory' },
  { figure: 'Rafah closed again', value: 'CLOSED', source: 'CMCC', asOf: '2026-02-28', where: 'Crossing(RAFAH).statusHistory' },
  { figure: 'CENTCOM: >600 trucks/day, week to 31 Oct 2025', value: 600, source: 'CENTCOM', asOf: '2025-10-31', where: 'Query.reportedAidFigures' },
  { figure: 'COGAT: 600-800 trucks/day', value: 600, source: 'COGAT', asOf: '2025-10-31', where: 'Query.reportedAidFigures' },
  { figure: 'UN 2720: 2,604 trucks collected, 19 May-5 Aug 2025', value: 2604, source: 'UN2720', asOf: '2025-08-05', where: 'Query.reportedAidFigures' },
  { figure: 'UN 2720: 295 reached destination, 19 May-5 Aug 2025', value: 295, source: 'UN2720', asOf: '2025-08-05', where: 'Query.reportedAidFigures' },
  { figure: "AP: COGAT's data, 459 trucks/day 12 Oct-7 Dec 2025", value: 459, source: 'COGAT', asOf: '2025-12-11', where: 'Query.reportedAidFigures' },
  { figure: 'AP: UN counted 6,545 trucks offloaded to 7 Dec 2025', value: 6545, source: 'UN2720', asOf: '2025-12-11', where: 'Query.reportedAidFigures' },
  {
    figure: 'MQ-9 observed an aid truck looted, northern Khan Younis',
    value: 'STRATEGIC_DEVELOPMENTS/LOOTING_PROPERTY_DESTRUCTION',
    source: 'CENTCOM',
    asOf: '2025-10-31',
    where: 'Query.incidents',
  },
  { figure: 'UNOSAT destroyed structures', value: 102_067, source: 'UNOSAT', asOf: '2025-07-08', where: 'Area(PS02).structureDamage' },
  { figure: 'UNOSAT severely damaged structures', value: 17_421, source: 'UNOSAT', asOf: '2025-07-08', where: 'Area(PS02).structureDamage' },
  { figure: 'UNOSAT moderately damaged structures', value: 41_895, source: 'UNOSAT', asOf: '2025-07-08', where: 'Area(PS02).structureDamage' },
  { figure: 'UNOSAT possibly damaged structures', value: 31_429, source: 'UNOSAT', asOf: '2025-07-08', where: 'Area(PS02).structureDamage' },
  { figure: 'Debris across Gaza, tonnes (UNOSAT/UNEP, damage to July 2025)', value: 61_500_000, source: 'UNEP', asOf: '2025-07', where: 'Area(PS02).debrisEstimate' },
  { figure: "Gaza's only power plant, shut since", value: 'SHUT_DOWN', source: 'PARTNER', asOf: '2023-10-11', where: 'Query.facilities(type: POWER_PLANT)' },
  { figure: 'WHO: 14 of 36 hospitals partially functioning', value: 14, source: 'WHO', asOf: '2025-10-08', where: 'Area(PS02).hospitalFunctionality' },
  { figure: 'Southern Gaza desalination plant, m³/day', value: '16000-20000', source: 'PARTNER', asOf: '(not given)', where: 'Facility(DESALINATION_PLANT).capacity' },
  { figure: 'Share of the Strip east of the Yellow Line at the ceasefire', value: 0.53, source: '(not given)', asOf: '2025-10-10', where: 'Area(PS02).controlShare' },
  { figure: 'Living hostages returned', value: 20, source: 'CMCC', asOf: '2025-10-13', where: 'Query.hostageReturns' },
  { figure: 'Palestinian prisoners and detainees released (about)', value: 1968, source: 'CMCC', asOf: '2025-10-13', where: 'Query.detaineeReleases' },
  { figure: 'Deceased hostages returned, 13 Oct 2025-26 Jan 2026', value: 28, source: 'CMCC', asOf: '2026-01-26', where: 'Query.hostageReturns' },
  { figure: 'Palestinian remains returned per deceased hostage', value: 15, source: 'CMCC', asOf: '2026-01-26', where: 'Query.detaineeReleases' },
  { figure: 'UNSC resolution 2803: Board of Peace, ISF, technocratic committee', value: '2803', source: 'UNSC', asOf: '2025-11-17', where: 'Query.governingBodies' },
  { figure: 'No ISF troops deployed; Israel objected to Turkish participation', value: 'OBJECTED_TO', source: 'CMCC', asOf: '2025-12', where: 'Query.forceContributions' },
  { figure: 'CMCC opened, Kiryat Gat, ~200 US troops', value: 200, source: 'CENTCOM', asOf: '2025-10-17', where: 'Query.coordinationCenter' },
  { figure: 'Participants ~14 nations + 20 organisations', value: '14+20', source: 'CENTCOM', asOf: '2025-10-30', where: 'Query.participantCounts' },
  { figure: 'Participants nearly 40', value: 40, source: 'CENTCOM', asOf: '2025-11-01', where: 'Query.participantCounts' },
  { figure: 'Participants ~50 (late Nov)', value: 50, source: 'CENTCOM', asOf: '2025-11', where: 'Query.participantCounts' },
  { figure: 'Participants ~60', value: 60, source: 'CENTCOM', asOf: '2025-12-11', where: 'Query.participantCounts' },
];

/** The governorates [R]: COD-AB P-code, name, ISO 3166-2. */
const GOVERNORATES = [
  { pcode: 'PS0255', name: 'North Gaza', iso3166_2: 'PS-NGZ' },
  { pcode: 'PS0260', name: 'Gaza', iso3166_2: 'PS-GZA' },
  { pcode: 'PS0265', name: 'Deir Al-Balah', iso3166_2: 'PS-DEB' },
  { pcode: 'PS0270', name: 'Khan Younis', iso3166_2: 'PS-KYS' },
  { pcode: 'PS0275', name: 'Rafah', iso3166_2: 'PS-RFH' },
];

/** Localities [R names]. */
const LOCALITY_NAMES = [
  'Beit Hanoun',
  'Beit Lahia',
  'Jabalia Camp',
  'Gaza City',
  'Ash-Shati Camp',
  'Nuseirat',
  'Bureij',
  'Maghazi',
  'Deir al-Balah',
  'Khan Younis',
  'Bani Suhaila',
  "Khuza'a",
  'Al-Mawasi',
  'Rafah',
];

/** IATI ids [R] (and the local ids of ICRC and PRCS). */
const ORGANIZATIONS: Record<string, string> = {
  'XM-DAC-41140': 'WFP',
  'XM-DAC-41122': 'UNICEF',
  'XM-DAC-41130': 'UNRWA',
  'XM-DAC-928': 'WHO',
  'XM-DAC-41127': 'OCHA',
  'XM-DAC-47066': 'IOM',
  'XM-DAC-41114': 'UNDP',
  'XM-DAC-41121': 'UNHCR',
  'XI-CMCC-ICRC': 'ICRC',
  'XI-CMCC-PRCS': 'PRCS',
};

const figure = (name: string) => {
  const found = REAL.find((f) => f.figure === name);
  if (!found) throw new Error(`no such figure in the table: ${name}`);
  return found;
};

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

async function read(text: string, claims: Record<string, unknown> = DASHBOARD): Promise<any> {
  const { data, errors } = await stack.query(text, undefined, claims);
  expect(errors, JSON.stringify(errors)).toBeUndefined();
  return data;
}

/** Every node of a connection, page by page (`first` at most `page`). */
async function every(field: string, args: string, selection: string, claims: Record<string, unknown> = DASHBOARD, page = 100): Promise<Record<string, unknown>[]> {
  const nodes: Record<string, unknown>[] = [];
  let after: string | null = null;
  for (;;) {
    const list = [args, `first: ${page}`, after ? `after: ${JSON.stringify(after)}` : ''].filter(Boolean).join(', ');
    const data = await read(`{ page: ${field}(${list}) { edges { node { ${selection} } } pageInfo { hasNextPage endCursor } } }`, claims);
    nodes.push(...data.page.edges.map((e: { node: Record<string, unknown> }) => e.node));
    if (!data.page.pageInfo.hasNextPage) return nodes;
    after = data.page.pageInfo.endCursor;
  }
}

describe('governorates and localities [R]', () => {
  it('the five governorates carry their COD-AB P-code, name and ISO 3166-2 code', async () => {
    const data = await read('{ areas(level: GOVERNORATE) { pcode name iso3166_2 adminLevel operationalLevel } }');
    expect(data.areas).toEqual(GOVERNORATES.map((g) => ({ ...g, adminLevel: 2, operationalLevel: 'GOVERNORATE' })));
  });

  it.each(REAL.filter((f) => f.where.startsWith('Area(PS02') && f.where.endsWith('populationEstimates')).map((f) => [f.figure, f] as const))(
    '%s: with its source and date',
    async (_name, f) => {
      const pcode = f.where.slice('Area('.length, f.where.indexOf(')'));
      const data = await read(`{ area(pcode: "${pcode}") { populationEstimates { value source asOf } } }`);
      const matching = data.area.populationEstimates.filter(
        (e: { value: number; source: string; asOf: string }) =>
          e.value === f.value && e.source === f.source && (f.asOf === '2024-25' ? /^202[45]-/.test(e.asOf) : e.asOf === f.asOf),
      );
      expect(matching, `${f.figure} (${f.value}, ${f.source}, ${f.asOf}) is not among ${pcode}'s population estimates`).toHaveLength(1);
    },
  );

  it('the three southern governorates together (≈1.03 M, PCBS, pre-war) are in the graph', async () => {
    const data = await read('{ areas { pcode populationEstimates { value source asOf description } } }');
    const southern = data.areas.flatMap((a: { populationEstimates: { value: number; source: string }[] }) =>
      a.populationEstimates.filter((e) => e.source === 'PCBS' && e.value >= 1_000_000 && e.value <= 1_060_000),
    );
    expect(southern, 'MISSING FROM THE GRAPH: the PCBS pre-war figure of the three southern governorates together (≈1.03 M)').not.toEqual([]);
  });

  it('the Gaza Strip carries its surface (~365 km²)', async () => {
    const { data, errors } = await stack.query('{ area(pcode: "PS02") { surfaceKm2 } governorate: area(pcode: "PS0260") { surfaceKm2 } }', undefined, DASHBOARD);
    expect(errors, "MISSING FROM THE GRAPH: the Gaza Strip's ~365 km² (Area has no surface field)").toBeUndefined();
    expect(data.area.surfaceKm2).toBe(365);
    // No published surface is recorded for a governorate: none is invented from the polygons.
    expect(data.governorate.surfaceKm2).toBeNull();
  });

  it('every locality DOMAIN.md names is in the graph under its real name', async () => {
    const data = await read('{ areas(level: LOCALITY) { name operationalLevel parent { operationalLevel } } }');
    const names = data.areas.map((a: { name: string }) => a.name);
    for (const name of LOCALITY_NAMES) expect(names, `locality ${name}`).toContain(name);
  });

  it('the >425,000 south-to-north figure is movements, never people, with its source and date', async () => {
    const f = figure('South-to-north movements, first ~10 days of the ceasefire (movements, not people)');
    const data = await read(
      `{ area(pcode: "PS02") { populationMovements(since: "2025-10-10T00:00:00Z", until: "2025-10-20T00:00:00Z", first: 100) {
         monitoringPoint date direction count countIsMinimum description source } } }`,
    );
    const real = data.area.populationMovements.filter((m: { source: string }) => m.source !== 'SYNTHETIC');
    expect(real).toHaveLength(1);
    expect(real[0]).toMatchObject({ count: f.value, countIsMinimum: true, direction: 'S_TO_N', source: f.source, date: f.asOf });
    expect(real[0].description).toMatch(/movements/i);
    expect(real[0].description).toMatch(/not people/i);
    expect(`${real[0].monitoringPoint} ${real[0].description}`).not.toMatch(/\b\d[\d,]* people\b|people moved/i);
  });
});

describe('crossings [R]', () => {
  let crossings: Record<string, any>;
  beforeAll(async () => {
    const data = await read(
      `{ crossings { id name aliases
         statusHistory { validFrom validFromPrecision validTo status allowedTraffic medicalEvacuationRoute source note }
         nov: status(at: "2025-11-15") } }`,
    );
    crossings = Object.fromEntries(data.crossings.map((c: { id: string }) => [c.id, c]));
  });

  it('five crossings, one id each: Zikim is also "Erez West", never a crossing of its own', () => {
    expect(Object.keys(crossings).sort()).toEqual(['EREZ', 'KEREM_SHALOM', 'KISSUFIM', 'RAFAH', 'ZIKIM']);
    expect(crossings.ZIKIM.aliases).toContain('Erez West');
    for (const c of Object.values(crossings)) if (c.id !== 'ZIKIM') expect(c.aliases).not.toContain('Erez West');
  });

  it('Zikim reopened on 12 Nov 2025, closed since 12 Sep 2025', () => {
    const f = figure('Zikim reopened (closed since 12 Sep 2025); alias Erez West');
    expect(crossings.ZIKIM.statusHistory).toContainEqual(expect.objectContaining({ validFrom: '2025-09-12', validTo: '2025-11-11', status: 'CLOSED', source: f.source }));
    expect(crossings.ZIKIM.statusHistory).toContainEqual(expect.objectContaining({ validFrom: f.asOf, validTo: null, status: f.value, source: f.source }));
  });

  it('Kissufim reopened on 20 Oct 2025', () => {
    const f = figure('Kissufim reopened');
    expect(crossings.KISSUFIM.statusHistory).toContainEqual(expect.objectContaining({ validFrom: f.asOf, status: f.value, source: f.source }));
  });

  it('Erez is closed as of 22 Oct 2025 (known on that day, not since)', () => {
    const f = figure('Erez closed as of');
    expect(crossings.EREZ.statusHistory).toContainEqual(expect.objectContaining({ validFrom: f.asOf, validFromPrecision: 'KNOWN_ON', status: f.value, source: f.source }));
  });

  it("Rafah's closed and open periods, each dated", () => {
    const periods = crossings.RAFAH.statusHistory.map((p: Record<string, unknown>) => [p.validFrom, p.validTo, p.status, p.source]);
    expect(periods).toEqual([
      ['2024-05-01', '2025-01-31', 'CLOSED', 'CMCC'],
      ['2025-02-01', '2025-03-18', 'RESTRICTED', 'CMCC'],
      ['2025-03-19', '2026-02-01', 'CLOSED', 'CMCC'],
      ['2026-02-02', '2026-02-27', 'RESTRICTED', 'CMCC'],
      ['2026-02-28', null, 'CLOSED', 'CMCC'],
    ]);
    expect(crossings.RAFAH.statusHistory[0].validFromPrecision).toBe('MONTH');
    expect(crossings.RAFAH.statusHistory[1].allowedTraffic).toEqual(['MEDICAL_EVACUATION']);
    expect(crossings.RAFAH.statusHistory[3].allowedTraffic).toContain('PEOPLE');
    for (const p of crossings.RAFAH.statusHistory) expect(p.allowedTraffic).not.toContain('CARGO');
    expect(crossings.RAFAH.nov).toBe('CLOSED');
  });

  it('Kerem Shalom is the main cargo and fuel gate', () => {
    const current = crossings.KEREM_SHALOM.statusHistory.at(-1);
    expect(current.allowedTraffic).toEqual(expect.arrayContaining(['CARGO', 'FUEL']));
  });
});

describe('organisations and aid figures [R]', () => {
  it('the organisations carry their IATI ids', async () => {
    const data = await read('{ organizations { id acronym } }');
    const byId = Object.fromEntries(data.organizations.map((o: { id: string; acronym: string }) => [o.id, o.acronym]));
    for (const [id, acronym] of Object.entries(ORGANIZATIONS)) expect(byId[id], id).toBe(acronym);
  });

  it('CENTCOM, COGAT, UN 2720 and AP truck figures, each as published, with its source and date', async () => {
    const nodes = await every('reportedAidFigures', '', 'metric qualifier value valueMax periodStart periodEnd source asOf citedIn statement', DASHBOARD, 50);
    const expected = [
      { metric: 'TRUCKS_ENTERED_PER_DAY', qualifier: 'MORE_THAN', value: 600, valueMax: null, periodEnd: '2025-10-31', source: 'CENTCOM', asOf: '2025-10-31' },
      { metric: 'TRUCKS_ENTERED_PER_DAY', qualifier: 'RANGE', value: 600, valueMax: 800, source: 'COGAT', asOf: '2025-10-31' },
      { metric: 'TRUCKS_COLLECTED', qualifier: 'EXACT', value: 2604, periodStart: '2025-05-19', periodEnd: '2025-08-05', source: 'UN2720', asOf: '2025-08-05' },
      { metric: 'TRUCKS_REACHED_DESTINATION', qualifier: 'EXACT', value: 295, periodStart: '2025-05-19', periodEnd: '2025-08-05', source: 'UN2720', asOf: '2025-08-05' },
      {
        metric: 'TRUCKS_ENTERED_PER_DAY',
        qualifier: 'EXACT',
        value: 459,
        periodStart: '2025-10-12',
        periodEnd: '2025-12-07',
        source: 'COGAT',
        asOf: '2025-12-11',
        citedIn: expect.stringMatching(/AP/),
      },
      { metric: 'TRUCKS_OFFLOADED', qualifier: 'EXACT', value: 6545, periodEnd: '2025-12-07', source: 'UN2720', asOf: '2025-12-11', citedIn: expect.stringMatching(/AP/) },
    ];
    for (const e of expected) expect(nodes, JSON.stringify(e)).toContainEqual(expect.objectContaining(e));
  });

  it('the 31 Oct 2025 MQ-9 looting record: Strategic developments / Looting, CENTCOM, northern Khan Younis, readable by a dashboard', async () => {
    const f = figure('MQ-9 observed an aid truck looted, northern Khan Younis');
    const nodes = await every(
      'incidents',
      'filter: { since: "2025-10-31T00:00:00Z", until: "2025-11-01T00:00:00Z", eventType: STRATEGIC_DEVELOPMENTS }',
      'eventDate eventType subEventType area { pcode name } locationName source affectsAid marking { tlp classification }',
    );
    const real = nodes.filter((n) => n.source === f.source);
    expect(real, 'the CENTCOM record of 31 Oct 2025 as a dashboard reads it').toHaveLength(1);
    expect(real[0]).toMatchObject({
      eventDate: f.asOf,
      eventType: 'STRATEGIC_DEVELOPMENTS',
      subEventType: 'LOOTING_PROPERTY_DESTRUCTION',
      area: { pcode: 'PS0270', name: 'Khan Younis' },
      affectsAid: true,
      marking: { tlp: 'CLEAR', classification: 'UNCLASSIFIED' },
    });
    expect(real[0].locationName).toMatch(/northern Khan Younis/i);
    // Public (TLP:CLEAR): a UN agency's officer without a nation reads it as well.
    const partner = await every('incidents', 'filter: { since: "2025-10-31T00:00:00Z", until: "2025-11-01T00:00:00Z", eventType: STRATEGIC_DEVELOPMENTS }', 'eventDate source', {
      sub: 'wfp-logistics-officer',
      org: 'XM-DAC-41140',
      clearance: 'UNCLASSIFIED',
      roles: ['member'],
      wg: ['humanitarian'],
      cmcc: true,
    });
    expect(partner.filter((n) => n.source === f.source)).toEqual([{ eventDate: f.asOf, source: f.source }]);
  });
});

describe('engineering figures [R]', () => {
  it('UNOSAT structure counts from imagery of 8 Jul 2025 (asOf = the imagery date), published 8 Aug 2025', async () => {
    const data = await read('{ area(pcode: "PS02") { structureDamage { damageClass structures source asOf publishedOn } } }');
    const expected = [
      ['DESTROYED', 'UNOSAT destroyed structures'],
      ['SEVERE', 'UNOSAT severely damaged structures'],
      ['MODERATE', 'UNOSAT moderately damaged structures'],
      ['POSSIBLE', 'UNOSAT possibly damaged structures'],
    ] as const;
    for (const [damageClass, name] of expected) {
      const f = figure(name);
      expect(data.area.structureDamage).toContainEqual({ damageClass, structures: f.value, source: f.source, asOf: f.asOf, publishedOn: '2025-08-08' });
    }
  });

  it('debris: ~61.5 Mt across Gaza, the UNOSAT/UNEP estimate of damage to July 2025', async () => {
    const f = figure('Debris across Gaza, tonnes (UNOSAT/UNEP, damage to July 2025)');
    const data = await read('{ area(pcode: "PS02") { debrisEstimate { tonnes source asOf description } } }');
    expect(data.area.debrisEstimate).toMatchObject({ tonnes: f.value });
    expect(['UNEP', 'UNOSAT']).toContain(data.area.debrisEstimate.source);
    expect(data.area.debrisEstimate.asOf.startsWith(f.asOf)).toBe(true);
  });

  it('one power plant, and only one: Gaza Power Plant in Deir Al-Balah, shut since 11 Oct 2023', async () => {
    const f = figure("Gaza's only power plant, shut since");
    const nodes = await every('facilities', 'filter: { type: POWER_PLANT }', 'name status statusAsOf statusSource source area { pcode }', ANALYST_CLAIMS);
    expect(nodes).toEqual([expect.objectContaining({ status: f.value, statusAsOf: f.asOf, source: f.source, area: { pcode: 'PS0265' } })]);
    expect(nodes[0].name).toMatch(/Gaza Power Plant/);
  });

  it('WHO, 8 Oct 2025: 14 of 36 hospitals partially functioning, as a published figure for the Strip with its source and date', async () => {
    const f = figure('WHO: 14 of 36 hospitals partially functioning');
    const data = await read('{ area(pcode: "PS02") { hospitalFunctionality { hospitals partiallyFunctioning source asOf } } }');
    expect(data.area.hospitalFunctionality).toEqual([{ hospitals: 36, partiallyFunctioning: f.value, source: f.source, asOf: f.asOf }]);
  });

  it('WHO, 8 Oct 2025: 14 of 36 hospitals partially functioning: stated on every hospital, never more than 14 shown partial', async () => {
    const nodes = await every('facilities', 'filter: { type: HOSPITAL }', 'id description serviceStatus { functionality asOf source }', ANALYST_CLAIMS);
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.length).toBeLessThanOrEqual(36);
    for (const n of nodes) expect(n.description, String(n.id)).toMatch(/WHO.*36 hospitals.*14 of them partially functioning on 8 Oct 2025/);
    const partial = nodes.filter((n) => (n.serviceStatus as { functionality: string } | null)?.functionality === 'PARTIAL');
    expect(partial.length).toBeLessThanOrEqual(14);
    for (const n of partial) expect((n.serviceStatus as { asOf: string }).asOf).toBe('2025-10-08');
  });

  it('the southern desalination plant: ~16,000-20,000 m³/day', async () => {
    const nodes = await every('facilities', 'filter: { type: DESALINATION_PLANT }', 'name source capacity { value maxValue unit }', DASHBOARD);
    const plant = nodes.filter((n) => /Southern Gaza/i.test(String(n.name)));
    expect(plant).toEqual([expect.objectContaining({ source: 'PARTNER', capacity: { value: 16_000, maxValue: 20_000, unit: 'CUBIC_METRES_PER_DAY' } })]);
  });
});

describe('ceasefire, Yellow Line and governance [R]', () => {
  it('the Yellow Line from 10 Oct 2025 leaves about 53% of the Strip east of it', async () => {
    const data = await read('{ controlLine(at: "2025-10-15T00:00:00Z") { validFrom } area(pcode: "PS02") { controlShare(at: "2025-10-15T00:00:00Z") } }');
    expect(data.controlLine.validFrom).toBe('2025-10-10T00:00:00.000Z');
    expect(data.area.controlShare).toBeGreaterThanOrEqual(0.5);
    expect(data.area.controlShare).toBeLessThanOrEqual(0.56);
  });

  it('hostages and detainees: 20 living and ~1,968 on 13 Oct 2025; 28 deceased to 26 Jan 2026; 15 remains each', async () => {
    const data = await read(
      `{ hostageReturns { living count periodStart date source asOf countedIn { id } }
         detaineeReleases { count approximate countBasis category periodStart date source asOf } }`,
    );
    const counted = data.hostageReturns.filter((h: { countedIn: unknown }) => h.countedIn === null);
    expect(counted).toContainEqual(expect.objectContaining({ living: true, count: 20, date: '2025-10-13', source: 'CMCC', asOf: '2025-10-13' }));
    expect(counted).toContainEqual(expect.objectContaining({ living: false, count: 28, periodStart: '2025-10-13', date: '2026-01-26', source: 'CMCC', asOf: '2026-01-26' }));
    expect(data.detaineeReleases).toContainEqual(
      expect.objectContaining({ count: 1968, approximate: true, category: 'PRISONERS_AND_DETAINEES', date: '2025-10-13', source: 'CMCC', asOf: '2025-10-13' }),
    );
    expect(data.detaineeReleases).toContainEqual(
      expect.objectContaining({ count: 15, countBasis: 'PER_DECEASED_HOSTAGE_RETURNED', category: 'REMAINS', source: 'CMCC', asOf: '2026-01-26' }),
    );
  });

  it('UNSC resolution 2803 (17 Nov 2025): the Board of Peace, the ISF and the technocratic committee', async () => {
    const data = await read('{ governingBodies { name legalBasis source asOf steps { status decidedOn source } } }');
    for (const name of [/Board of Peace/, /International Stabilization Force/, /technocratic committee/i]) {
      const body = data.governingBodies.find((b: { name: string }) => name.test(b.name));
      expect(body, String(name)).toBeDefined();
      expect(body.legalBasis).toMatch(/2803/);
      expect(body.steps).toContainEqual(expect.objectContaining({ status: 'DECIDED', decidedOn: '2025-11-17' }));
    }
    expect(data.governingBodies.filter((b: { source: string; asOf: string }) => b.source === 'UNSC' && b.asOf === '2025-11-17')).toHaveLength(3);
  });

  it('ISF: no troops deployed as of Dec 2025, and Israel objected to Turkish participation', async () => {
    const nodes = await every('forceContributions', '', 'nation status troopsPledged troopsDeployed readinessAsOf source', ANALYST_CLAIMS);
    expect(nodes.filter((n) => n.status === 'DEPLOYED' || Number(n.troopsDeployed) > 0)).toEqual([]);
    const turkey = nodes.filter((n) => n.nation === 'TUR' && n.status === 'OBJECTED_TO');
    expect(turkey).toEqual([expect.objectContaining({ source: 'CMCC', troopsDeployed: 0 })]);
    expect(String(turkey[0].readinessAsOf).startsWith('2025-12')).toBe(true);
    // The aggregate keeps pledged and deployed apart, and deploys no one.
    const commitments = (await read('{ forceCommitments { status source troopsPledged troopsDeployed } }', ANALYST_CLAIMS)).forceCommitments;
    expect(commitments.length).toBeGreaterThan(0);
    for (const c of commitments) expect(c.troopsDeployed, `${c.status} ${c.source}`).toBe(0);
    expect(commitments.filter((c: { status: string }) => c.status === 'DEPLOYED')).toEqual([]);
  });
});

describe('the CMCC [R]', () => {
  it('the CMCC opened on 17 Oct 2025 in Kiryat Gat under US CENTCOM, with about 200 US troops at its core', async () => {
    const data = await read('{ coordinationCenter { location openedOn establishedBy usTroopsAtCore usTroopsQualifier source asOf } }');
    expect(data.coordinationCenter).toEqual({
      location: 'Kiryat Gat',
      openedOn: '2025-10-17',
      establishedBy: expect.stringMatching(/CENTCOM/),
      usTroopsAtCore: 200,
      usTroopsQualifier: 'ABOUT',
      source: 'CENTCOM',
      asOf: '2025-10-17',
    });
  });

  it('participant counts as CENTCOM published them, each dated, none summed', async () => {
    const data = await read('{ participantCounts { asOf asOfPrecision nations organizations participants qualifier source } }');
    expect(data.participantCounts).toEqual([
      { asOf: '2025-10-30', asOfPrecision: 'AROUND_DAY', nations: 14, organizations: 20, participants: null, qualifier: 'ABOUT', source: 'CENTCOM' },
      { asOf: '2025-11-01', asOfPrecision: 'DAY', nations: null, organizations: null, participants: 40, qualifier: 'NEARLY', source: 'CENTCOM' },
      { asOf: '2025-11-30', asOfPrecision: 'PART_OF_MONTH', nations: null, organizations: null, participants: 50, qualifier: 'ABOUT', source: 'CENTCOM' },
      { asOf: '2025-12-11', asOfPrecision: 'DAY', nations: null, organizations: null, participants: 60, qualifier: 'ABOUT', source: 'CENTCOM' },
    ]);
  });
});

/** Sources a real figure of the table may carry; every other non-SYNTHETIC record is a figure presented as real without being one. */
const REAL_SOURCES = new Set(REAL.map((f) => f.source));
const isRealOrSynthetic = (source: unknown) => source === 'SYNTHETIC' || REAL_SOURCES.has(String(source));
/** A figure of the table with this source and a date that fits its `asOf` (a month, "2024-25", or any when not given). */
const isRealFigure = (source: unknown, date: unknown) =>
  REAL.some((f) => f.source === source && (f.asOf.startsWith('(') || String(date).startsWith(f.asOf) || (f.asOf === '2024-25' && /^202[45]-/.test(String(date)))));

describe('no figure is shown merged across sources', () => {
  it('aid deliveries by source: one source per figure, never two figures of one source', async () => {
    const data = await read(`{ areas(level: GOVERNORATE) { pcode aidDeliveries(since: "2025-10-10T00:00:00Z") { bySource { source trucks tonnes } } } }`);
    for (const area of data.areas) {
      const sources = area.aidDeliveries.bySource.map((f: { source: string }) => f.source);
      expect(new Set(sources).size, area.pcode).toBe(sources.length);
    }
  });

  it('crossing throughput by source: one source per figure; the gap compares two sources, never adds them', async () => {
    const data = await read(
      `{ crossings { id throughput(since: "2025-10-10") { bySource { source trucksOffloaded } gap { sourceA sourceB trucksOffloadedA trucksOffloadedB difference } } } }`,
    );
    for (const c of data.crossings) {
      const sources = c.throughput.bySource.map((f: { source: string }) => f.source);
      expect(new Set(sources).size, c.id).toBe(sources.length);
      for (const s of sources) expect(isRealOrSynthetic(s), `${c.id} throughput from ${s}`).toBe(true);
      const gap = c.throughput.gap;
      if (gap) {
        expect(gap.sourceA).not.toBe(gap.sourceB);
        expect(gap.difference).toBe(gap.trucksOffloadedA - gap.trucksOffloadedB);
      }
    }
  });

  it('population estimates keep each source apart: no estimate is a sum of two sources or of the governorates', async () => {
    const data = await read('{ areas { pcode populationEstimates { value source asOf } } }');
    const moiTotal = 368_721 + 847_712 + 316_144 + 439_729 + 281_755;
    for (const area of data.areas) {
      for (const e of area.populationEstimates) {
        expect(isRealOrSynthetic(e.source), `${area.pcode} ${e.value} ${e.source}`).toBe(true);
        expect(e.value, `${area.pcode}: a sum of the registry`).not.toBe(moiTotal);
        expect(e.value, `${area.pcode}: PCBS north plus Gaza`).not.toBe(448_000 + 754_000);
      }
      const real = area.populationEstimates.filter((e: { source: string }) => e.source !== 'SYNTHETIC');
      for (const e of real) {
        const matches = REAL.filter((f) => f.value === e.value && f.source === e.source);
        expect(matches, `${area.pcode}: ${e.value} ${e.source} ${e.asOf} is not a figure of the table`).not.toEqual([]);
      }
    }
  });

  /** Each list with the date its records carry: a record not SYNTHETIC must be a figure of the table (its source and date). */
  const LISTS: [name: string, field: string, date: string][] = [
    ['incidents', 'incidents', 'eventDate'],
    ['facilities', 'facilities', 'statusAsOf'],
    ['damage assessments', 'damageAssessments', 'imageryDate'],
    ['explosive hazard tasks', 'explosiveHazardTasks', 'requestedAt'],
    ['debris estimates', 'debrisEstimates', 'asOf'],
    ['displacement sites', 'displacementSites', 'asOf'],
    ['activities', 'activities', 'start'],
    ['force contributions', 'forceContributions', 'readinessAsOf'],
    ['ceasefire violation reports', 'ceasefireViolationReports', 'occurredAt'],
    ['intelligence reports', 'intelligenceReports', 'reportedAt'],
    ['reported aid figures', 'reportedAidFigures', 'asOf'],
    ['utility services', 'utilityServices', 'asOf'],
    ['fuel allocations', 'fuelAllocations', 'allocatedOn'],
  ];

  it.each(LISTS)('%s: every record is SYNTHETIC or one of the real figures, with its source and date', async (_name, field, date) => {
    const nodes = await every(field, '', `id source ${date}`, ANALYST_CLAIMS);
    expect(nodes.length).toBeGreaterThan(0);
    const odd = nodes.filter((n) => n.source !== 'SYNTHETIC' && !isRealFigure(n.source, n[date]));
    expect(odd.map((n) => `${n.id} ${n.source} ${n[date]}`)).toEqual([]);
  });

  it('the lists without paging: every record is SYNTHETIC or one of the real figures', async () => {
    const data = await read(
      `{ participants { id source } participantCounts { source } controlLines { id source } ceasefirePhases { id source }
         hostageReturns { id source } detaineeReleases { id source } governingBodies { id source members { id source } steps { id source } } governingBodyMembers { id source }
         stagingAreas { id } medicalEvacuationWaitingFigures { id source }
         area(pcode: "PS02") { structureDamage { source } populationMovements(first: 100) { id source } } }`,
      ANALYST_CLAIMS,
    );
    const records: { list: string; source: unknown; id?: unknown }[] = [];
    for (const [list, value] of Object.entries(data)) {
      if (list === 'area' || list === 'stagingAreas') continue;
      for (const r of value as Record<string, unknown>[]) {
        records.push({ list, source: r.source, id: r.id });
        for (const nested of ['members', 'steps'] as const) {
          for (const n of (r[nested] ?? []) as Record<string, unknown>[]) records.push({ list: `${list}.${nested}`, source: n.source, id: n.id });
        }
      }
    }
    for (const r of data.area.structureDamage) records.push({ list: 'structureDamage', source: r.source });
    for (const r of data.area.populationMovements) records.push({ list: 'populationMovements', source: r.source, id: r.id });
    expect(records.filter((r) => !isRealOrSynthetic(r.source))).toEqual([]);
  });
});
