import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile, type AccessMarking, type MarkingRow, type Principal } from '@cmcc/subgraph-kit';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { startTestSubgraph, TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { humanitarian } from '../src/server.ts';
import { crossingReports, crossingStreams } from '../src/data/importers.ts';

/**
 * The crossings by date, throughput by stream and the staging areas upstream. Every expected status and date below is
 * written from the domain specification's text (docs/domain.md, humanitarian); expected figures are summed by hand
 * from the fixtures, never by the function under test.
 */

let subgraph: TestSubgraph;
let dir: string;
beforeAll(async () => {
  subgraph = await startTestSubgraph(humanitarian);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-humanitarian-flow-'));
});
afterAll(async () => {
  await subgraph?.close();
  fs.rmSync(dir, { recursive: true, force: true });
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
const US_ANALYST = TEST_PRINCIPAL;
const GBR_MEMBER = principal('gbr-member', { nation: 'GBR', organization: 'CMCC', clearance: 'RESTRICTED' });
const ISR_MEMBER = principal('isr-member', { nation: 'ISR', organization: 'CMCC', clearance: 'CONFIDENTIAL' });
/** Cleared SECRET but not a CMCC participant (no participant claim): TLP:CLEAR only, and what its nation originated. */
const OUTSIDER = principal('qat-no-claim', { nation: 'QAT', clearance: 'SECRET', participant: false, workingGroups: [], roles: [] });

const marking = (m: Partial<AccessMarking> & Pick<AccessMarking, 'classification' | 'tlp' | 'originator'>): AccessMarking => ({
  releasableTo: [],
  recipients: [],
  caveats: [],
  ...m,
});
/** TLP:GREEN for CMCC participants. */
const GREEN_CMCC = marking({ classification: 'UNCLASSIFIED', tlp: 'GREEN', releasableTo: ['CMCC'], originator: 'CMCC' });
/** TLP:RED naming only a nation: only the originator's own principals (USA) may read it. */
const RED_FOR_USA = marking({ classification: 'UNCLASSIFIED', tlp: 'RED', releasableTo: ['USA', 'GBR'], originator: 'USA', recipients: ['USA'] });
/** SECRET from Israel, released to the USA: not to a British member cleared RESTRICTED. */
const SECRET_ISR = marking({ classification: 'SECRET', tlp: 'AMBER', releasableTo: ['USA'], originator: 'ISR' });
const markingSql = (m: AccessMarking) => [m.classification, m.releasableTo, m.tlp, m.originator, m.recipients, m.caveats];
const MARKING_COLUMNS = 'classification, releasable_to, tlp, originator, recipients, caveats';

const write = (name: string, content: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};
const importOptions = { subject: 'import:test' };

describe('crossings by date', () => {
  const STATUS_AT = `query($id: ID!, $at: Date!) { crossing(id: $id) { status(at: $at) allowedTraffic(at: $at) statusPeriod(at: $at) { medicalEvacuationRoute source } } }`;
  const statusOf = async (id: string, at: string) => (await subgraph.execute(STATUS_AT, { id, at })).data.crossing;

  it('has five crossings, one id each: Erez West is an alias of Zikim, not a crossing', async () => {
    const { data } = await subgraph.execute(`{ crossings { id aliases } }`);
    expect(data.crossings.map((c: { id: string }) => c.id)).toEqual(['KEREM_SHALOM', 'KISSUFIM', 'ZIKIM', 'EREZ', 'RAFAH']);
    const zikim = data.crossings.find((c: { id: string }) => c.id === 'ZIKIM');
    expect(zikim.aliases).toContain('Erez West');
    const { data: gone, errors } = await subgraph.execute(`{ crossing(id: "EREZ_WEST") { id } }`);
    expect(gone.crossing).toBeNull();
    expect(errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(errors?.[0].message).toContain('ZIKIM');
    expect(await subgraph.db.query(`SELECT id FROM crossing WHERE id = 'EREZ_WEST'`)).toEqual([]);
  });

  it('gives each crossing the status the reported events set on each day', async () => {
    // Zikim: closed 12 Sep 2025, reopened 12 Nov 2025.
    expect((await statusOf('ZIKIM', '2025-09-12')).status).toBe('CLOSED');
    expect((await statusOf('ZIKIM', '2025-11-11')).status).toBe('CLOSED');
    expect(await statusOf('ZIKIM', '2025-11-12')).toMatchObject({ status: 'OPEN', allowedTraffic: ['CARGO'] });
    // Kissufim: reopened 20 Oct 2025.
    expect((await statusOf('KISSUFIM', '2025-10-19')).status).toBe('CLOSED');
    expect((await statusOf('KISSUFIM', '2025-10-20')).status).toBe('OPEN');
    // Erez: closed as of 22 Oct 2025.
    expect(await statusOf('EREZ', '2025-10-22')).toMatchObject({ status: 'CLOSED', allowedTraffic: [] });
    // Rafah: closed from May 2024; WHO-supervised medical evacuations 1 Feb-18 Mar 2025; closed again; limited movement
    // of people from 2 Feb 2026; closed again 28 Feb 2026.
    expect(await statusOf('RAFAH', '2024-06-15')).toMatchObject({ status: 'CLOSED', allowedTraffic: [] });
    expect(await statusOf('RAFAH', '2025-02-01')).toMatchObject({ status: 'RESTRICTED', allowedTraffic: ['MEDICAL_EVACUATION'] });
    expect((await statusOf('RAFAH', '2025-03-18')).status).toBe('RESTRICTED');
    expect((await statusOf('RAFAH', '2025-03-19')).status).toBe('CLOSED');
    expect((await statusOf('RAFAH', '2026-02-01')).status).toBe('CLOSED');
    const february = await statusOf('RAFAH', '2026-02-02');
    expect(february.status).toBe('RESTRICTED');
    expect(february.allowedTraffic).toContain('PEOPLE');
    expect(february.allowedTraffic).not.toContain('CARGO');
    expect(await statusOf('RAFAH', '2026-02-28')).toMatchObject({ status: 'CLOSED', allowedTraffic: [] });
  });

  it('records the history with dates, traffic and source, and the month-only and as-of starts as such', async () => {
    const { data } = await subgraph.execute(`{ crossing(id: "RAFAH") { statusHistory { validFrom validFromPrecision validTo status source } } }`);
    expect(data.crossing.statusHistory).toEqual([
      { validFrom: '2024-05-01', validFromPrecision: 'MONTH', validTo: '2025-01-31', status: 'CLOSED', source: 'CMCC' },
      { validFrom: '2025-02-01', validFromPrecision: 'DAY', validTo: '2025-03-18', status: 'RESTRICTED', source: 'CMCC' },
      { validFrom: '2025-03-19', validFromPrecision: 'DAY', validTo: '2026-02-01', status: 'CLOSED', source: 'CMCC' },
      { validFrom: '2026-02-02', validFromPrecision: 'DAY', validTo: '2026-02-27', status: 'RESTRICTED', source: 'CMCC' },
      { validFrom: '2026-02-28', validFromPrecision: 'DAY', validTo: null, status: 'CLOSED', source: 'CMCC' },
    ]);
    const { data: erez } = await subgraph.execute(`{ crossing(id: "EREZ") { statusHistory { validFrom validFromPrecision validTo } } }`);
    expect(erez.crossing.statusHistory).toEqual([{ validFrom: '2025-10-22', validFromPrecision: 'KNOWN_ON', validTo: null }]);
    // A day before anything recorded for Kerem Shalom is the caller's error, not a guess.
    const { errors } = await subgraph.execute(`{ crossing(id: "KEREM_SHALOM") { status(at: "2020-01-01") } }`);
    expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('names the medical evacuation route: Kerem Shalom while Rafah was closed, Rafah only while it served them', async () => {
    for (const day of ['2024-06-15', '2025-11-01', '2026-03-15']) {
      expect((await statusOf('KEREM_SHALOM', day)).statusPeriod.medicalEvacuationRoute).toBe(true);
      expect((await statusOf('RAFAH', day)).statusPeriod.medicalEvacuationRoute).toBe(false);
    }
    expect((await statusOf('RAFAH', '2025-02-15')).statusPeriod.medicalEvacuationRoute).toBe(true);
    expect((await statusOf('KEREM_SHALOM', '2025-02-15')).statusPeriod.medicalEvacuationRoute).toBe(false);
    // No seeded evacuation convoy went "via Rafah" on a day it was closed (the whole synthetic picture, Oct-Dec 2025).
    const viaRafah = await subgraph.db.query(`SELECT id FROM convoy WHERE crossing_id = 'RAFAH'`);
    expect(viaRafah).toEqual([]);
    const evacuations = await subgraph.db.query<{ crossing_id: string }>(`SELECT DISTINCT crossing_id FROM convoy WHERE type = 'EVACUATION'`);
    expect(evacuations.map((r) => r.crossing_id)).toEqual(['KEREM_SHALOM']);
  });
});

describe('Rafah in late 2025', () => {
  it('is never open for people or aid on any day from 10 October to 31 December 2025', async () => {
    const days = Array.from({ length: 83 }, (_, i) => new Date(Date.UTC(2025, 9, 10 + i)).toISOString().slice(0, 10));
    const query = `{ crossing(id: "RAFAH") { ${days.map((day, i) => `d${i}: allowedTraffic(at: "${day}") s${i}: status(at: "${day}")`).join(' ')} } }`;
    const { data, errors } = await subgraph.execute(query);
    expect(errors).toBeUndefined();
    days.forEach((_, i) => {
      expect(data.crossing[`s${i}`]).toBe('CLOSED');
      expect(data.crossing[`d${i}`]).toEqual([]);
    });
    // No report, of any source or stream, shows a truck through Rafah in that period.
    const trucks = await subgraph.db.query(
      `SELECT id FROM crossing_daily_report WHERE crossing_id = 'RAFAH' AND (open OR trucks_offloaded > 0 OR trucks_collected > 0)
       UNION ALL SELECT id FROM crossing_stream_report WHERE crossing_id = 'RAFAH'`,
    );
    expect(trucks).toEqual([]);
  });

  it('refuses a report of trucks through Rafah on a closed day, by mutation and by either import', async () => {
    const { data } = await subgraph.execute(
      `mutation($input: RecordCrossingReportInput!) { recordCrossingReport(input: $input) { crossingDailyReport { id } userErrors { field code message } } }`,
      {
        input: {
          crossingId: 'RAFAH',
          date: '2025-11-01',
          source: 'COGAT',
          open: true,
          trucksOffloaded: 40,
          trucksCollected: 0,
          tonnes: 600,
          fuelLitres: 0,
          marking: marking({ classification: 'UNCLASSIFIED', tlp: 'GREEN', releasableTo: ['CMCC'], originator: 'USA' }),
        },
      },
    );
    expect(data.recordCrossingReport.crossingDailyReport).toBeNull();
    expect(data.recordCrossingReport.userErrors).toEqual([expect.objectContaining({ field: ['input', 'trucksOffloaded'], code: 'INVALID' })]);

    const daily = write(
      'rafah-daily.csv',
      ['date,crossing,source,open,trucks_offloaded,trucks_collected,tonnes,classification,tlp,originator', '2025-11-01,Rafah,COGAT,yes,40,0,600,UNCLASSIFIED,GREEN,ISR'].join('\n'),
    );
    const dailyReport = await importFile(subgraph.db, crossingReports, daily, importOptions);
    expect(dailyReport).toMatchObject({ committed: false, created: 0 });
    expect(dailyReport.problems).toEqual([expect.objectContaining({ row: 2, column: 'trucks_offloaded', value: '40' })]);
    expect(dailyReport.problems[0].problem).toMatch(/RAFAH let no aid trucks through on 2025-11-01/);

    const streams = write(
      'rafah-streams.csv',
      ['date,crossing,stream,trucks offloaded,trucks collected,tlp,classification,originator', '2025-12-01,Rafah,UN 2720,12,0,TLP:GREEN,UNCLASSIFIED,UN2720'].join('\n'),
    );
    const streamReport = await importFile(subgraph.db, crossingStreams, streams, importOptions);
    expect(streamReport).toMatchObject({ committed: false, created: 0 });
    expect(streamReport.problems.map((p) => p.column)).toEqual(['trucks offloaded']);
    expect(await subgraph.db.query(`SELECT id FROM crossing_stream_report WHERE crossing_id = 'RAFAH'`)).toEqual([]);
  });
});

describe('throughput by stream', () => {
  it('splits every seeded daily report by stream, adding up to the report, with rejections and denials carrying their reason', async () => {
    const { data, errors } = await subgraph.execute(`{ crossings { id dailyReports(first: 400) { source trucksOffloaded trucksCollected byStream {
      source stream trucksOffloaded trucksCollected rejected rejectionReason deniedItems denialReason } } } }`);
    expect(errors).toBeUndefined();
    const reports = data.crossings.flatMap((c: { dailyReports: unknown[] }) => c.dailyReports) as {
      source: string;
      trucksOffloaded: number;
      trucksCollected: number;
      byStream: {
        source: string;
        stream: string;
        trucksOffloaded: number;
        trucksCollected: number;
        rejected: number;
        rejectionReason: string | null;
        deniedItems: string[];
        denialReason: string | null;
      }[];
    }[];
    const withTrucks = reports.filter((r) => r.trucksOffloaded > 0);
    expect(withTrucks.length).toBeGreaterThan(100);
    for (const report of withTrucks) {
      expect(report.byStream.length).toBeGreaterThanOrEqual(2);
      expect(report.byStream.every((s) => s.source === report.source)).toBe(true);
      expect(report.byStream.reduce((sum, s) => sum + s.trucksOffloaded, 0)).toBe(report.trucksOffloaded);
      expect(report.byStream.reduce((sum, s) => sum + s.trucksCollected, 0)).toBe(report.trucksCollected);
    }
    const streams = withTrucks.flatMap((r) => r.byStream);
    expect(new Set(streams.map((s) => s.stream))).toEqual(new Set(['UN_2720', 'BILATERAL', 'PRIVATE_SECTOR', 'COMMERCIAL']));
    expect(streams.some((s) => s.rejected > 0)).toBe(true);
    expect(streams.some((s) => s.deniedItems.length > 0)).toBe(true);
    for (const s of streams) {
      if (s.rejected > 0) expect(s.rejectionReason).toBeTruthy();
      if (s.deniedItems.length > 0) expect(s.denialReason).toMatch(/dual-use/);
    }
  });

  describe('COGAT and UN 2720 counts side by side', () => {
    const DAY = '2026-03-10';
    beforeAll(async () => {
      const rows = [
        ['UN2720', 'UN_2720', 100, 90, GREEN_CMCC],
        ['UN2720', 'BILATERAL', 40, 30, RED_FOR_USA],
        ['COGAT', 'UN_2720', 130, 0, GREEN_CMCC],
        ['COGAT', 'BILATERAL', 50, 0, GREEN_CMCC],
      ] as const;
      for (const [source, stream, offloaded, collected, m] of rows) {
        await subgraph.db.query(
          `INSERT INTO crossing_stream_report (id, crossing_id, date, source, stream, trucks_offloaded, trucks_collected, ${MARKING_COLUMNS})
           VALUES ($1, 'KEREM_SHALOM', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [`CSR-FIXTURE-${source}-${stream}`, DAY, source, stream, offloaded, collected, ...markingSql(m)],
        );
      }
    });
    const THROUGHPUT = `{ crossing(id: "KEREM_SHALOM") { throughput(since: "${DAY}", until: "${DAY}") {
      bySource { source daysReported asOf trucksOffloaded trucksCollected byStream { stream trucksOffloaded } }
      gap { sourceA sourceB daysCompared trucksOffloadedA trucksOffloadedB difference statement }
      reverse: gap(sourceA: UN2720, sourceB: COGAT) { difference } } } }`;

    it('keeps one set of figures per source, never a total, and gives the gap naming both sources', async () => {
      const { data, errors } = await subgraph.execute(THROUGHPUT, {}, GBR_MEMBER);
      expect(errors).toBeUndefined();
      const { bySource, gap, reverse } = data.crossing.throughput;
      expect(bySource).toEqual([
        {
          source: 'COGAT',
          daysReported: 1,
          asOf: DAY,
          trucksOffloaded: 180,
          trucksCollected: 0,
          byStream: [
            { stream: 'UN_2720', trucksOffloaded: 130 },
            { stream: 'BILATERAL', trucksOffloaded: 50 },
          ],
        },
        { source: 'UN2720', daysReported: 1, asOf: DAY, trucksOffloaded: 100, trucksCollected: 90, byStream: [{ stream: 'UN_2720', trucksOffloaded: 100 }] },
      ]);
      expect(gap).toMatchObject({ sourceA: 'COGAT', sourceB: 'UN2720', daysCompared: 1, trucksOffloadedA: 180, trucksOffloadedB: 100, difference: 80 });
      expect(gap.statement).toContain('COGAT');
      expect(gap.statement).toContain('UN2720');
      expect(reverse.difference).toBe(-80);
      // The records behind the figures: the RED stream is not listed for the British member.
      const { data: listed } = await subgraph.execute(`{ crossing(id: "KEREM_SHALOM") { streamReports(since: "${DAY}", until: "${DAY}") { id } } }`, {}, GBR_MEMBER);
      expect(listed.crossing.streamReports.map((r: { id: string }) => r.id).sort()).toEqual([
        'CSR-FIXTURE-COGAT-BILATERAL',
        'CSR-FIXTURE-COGAT-UN_2720',
        'CSR-FIXTURE-UN2720-UN_2720',
      ]);
    });

    it('counts only what the caller may see: the RED stream only for its originator, nothing GREEN for a non-participant', async () => {
      const us = (await subgraph.execute(THROUGHPUT, {}, US_ANALYST)).data.crossing.throughput;
      expect(us.bySource.find((s: { source: string }) => s.source === 'UN2720').trucksOffloaded).toBe(140);
      expect(us.gap.difference).toBe(40);
      const outsider = (await subgraph.execute(THROUGHPUT, {}, OUTSIDER)).data.crossing.throughput;
      expect(outsider.bySource).toEqual([]);
      expect(outsider.gap).toBeNull();
    });
  });
});

describe('staging areas', () => {
  it('lists El-Arish, the Jordan corridor and Ashdod, each with the crossing it feeds and synthetic observations', async () => {
    const { data, errors } = await subgraph.execute(`{ stagingAreas { id country kind inspectionPoint feeds { id }
      latestObservation { date source trucksWaiting palletsWaiting dwellDays } } crossing(id: "KEREM_SHALOM") { stagingAreas { id } }
      rafah: crossing(id: "RAFAH") { stagingAreas { id } } }`);
    expect(errors).toBeUndefined();
    expect(data.stagingAreas.map((a: { id: string; country: string; kind: string; inspectionPoint: string }) => [a.id, a.country, a.kind, a.inspectionPoint])).toEqual([
      ['EL_ARISH', 'EGY', 'LAND_STAGING', 'Al-Awja / Nitzana'],
      ['JORDAN_CORRIDOR', 'JOR', 'LAND_CORRIDOR', 'Allenby Bridge'],
      ['ASHDOD', 'ISR', 'SEA_PORT', 'Ashdod port'],
    ]);
    for (const area of data.stagingAreas) {
      expect(area.feeds.id).toBe('KEREM_SHALOM');
      if (area.latestObservation) {
        expect(area.latestObservation.source).toBe('SYNTHETIC');
        expect(area.latestObservation.dwellDays).toBeGreaterThan(0);
        expect(area.latestObservation.palletsWaiting).toBeGreaterThan(area.latestObservation.trucksWaiting);
      }
    }
    expect(data.crossing.stagingAreas.map((a: { id: string }) => a.id)).toEqual(['EL_ARISH', 'JORDAN_CORRIDOR', 'ASHDOD']);
    expect(data.rafah.stagingAreas).toEqual([]);
  });

  it('shows each principal exactly the observations released to it, and a SECRET one not to a member cleared RESTRICTED', async () => {
    await subgraph.db.query(
      `INSERT INTO staging_area_observation (id, staging_area_id, date, source, trucks_waiting, pallets_waiting, dwell_days, ${MARKING_COLUMNS})
       VALUES ('SAO-FIXTURE-SECRET', 'ASHDOD', '2026-03-01', 'SYNTHETIC', 10, 250, 4.5, $1, $2, $3, $4, $5, $6)`,
      markingSql(SECRET_ISR),
    );
    const rows = await subgraph.db.query<MarkingRow & { id: string }>(`SELECT * FROM staging_area_observation ORDER BY id`);
    const query = `{ stagingAreas { id latestObservation { id } observations(first: 400) { id } } }`;
    for (const reader of [US_ANALYST, GBR_MEMBER, ISR_MEMBER, OUTSIDER]) {
      const { data } = await subgraph.execute(query, {}, reader);
      const seen = data.stagingAreas.flatMap((a: { observations: { id: string }[] }) => a.observations.map((o) => o.id)).sort();
      expect(seen, reader.subject).toEqual(rows.filter((row) => releasedToPrincipal(reader, row)).map((row) => row.id));
    }
    const latest = async (reader: Principal) =>
      (await subgraph.execute(query, {}, reader)).data.stagingAreas.find((a: { id: string }) => a.id === 'ASHDOD').latestObservation?.id ?? null;
    expect(await latest(US_ANALYST)).toBe('SAO-FIXTURE-SECRET');
    // The originator always sees its own record, whatever its clearance.
    expect(await latest(ISR_MEMBER)).toBe('SAO-FIXTURE-SECRET');
    expect(await latest(GBR_MEMBER)).not.toBe('SAO-FIXTURE-SECRET');
    // Not a participant: only TLP:CLEAR observations, never the fixture.
    const outsider = (await subgraph.execute(`{ stagingAreas { observations(first: 400) { id marking { tlp } } } }`, {}, OUTSIDER)).data.stagingAreas;
    const outsiderSees = outsider.flatMap((a: { observations: { id: string; marking: { tlp: string } }[] }) => a.observations);
    expect(outsiderSees.every((o: { marking: { tlp: string } }) => o.marking.tlp === 'CLEAR')).toBe(true);
    expect(outsiderSees.map((o: { id: string }) => o.id)).not.toContain('SAO-FIXTURE-SECRET');
  });
});

describe('importing the UN 2720 dashboard throughput', () => {
  const SAMPLE = path.join(PROJECT_ROOT, 'subgraphs', 'humanitarian', 'samples', 'un2720-throughput.csv');

  it('imports the sample by stream, reads "Erez West" as Zikim and canonical TLP labels, and re-imports without duplicates', async () => {
    const report = await importFile(subgraph.db, crossingStreams, SAMPLE, importOptions);
    expect(report).toMatchObject({ format: 'csv', rowsRead: 7, created: 7, rejected: 0, committed: true, problems: [] });
    const rows = await subgraph.db.query<Record<string, unknown>>(
      `SELECT id, crossing_id, stream, tlp, rejected, denied_items, denial_reason FROM crossing_stream_report WHERE date = '2026-01-05' ORDER BY id`,
    );
    expect(rows.map((r) => r.id)).toEqual([
      'CSR-KEREM_SHALOM-2026-01-05-SYNTHETIC-BILATERAL',
      'CSR-KEREM_SHALOM-2026-01-05-SYNTHETIC-COMMERCIAL',
      'CSR-KEREM_SHALOM-2026-01-05-SYNTHETIC-PRIVATE_SECTOR',
      'CSR-KEREM_SHALOM-2026-01-05-SYNTHETIC-UN_2720',
      'CSR-KISSUFIM-2026-01-05-SYNTHETIC-BILATERAL',
      'CSR-KISSUFIM-2026-01-05-SYNTHETIC-UN_2720',
      'CSR-ZIKIM-2026-01-05-SYNTHETIC-UN_2720',
    ]);
    expect(rows.find((r) => r.crossing_id === 'ZIKIM')).toMatchObject({ tlp: 'AMBER' });
    expect(rows[0]).toMatchObject({ tlp: 'GREEN', denied_items: ['Generators', 'Water pumps'], denial_reason: 'Illustrative: listed as dual-use' });
    const again = await importFile(subgraph.db, crossingStreams, SAMPLE, importOptions);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 7, committed: true });
  });

  it('refuses rows without a marking (there is no default), rejections and denials without a reason, and unknown streams', async () => {
    const file = write(
      'bad-streams.csv',
      [
        'date,crossing,stream,trucks offloaded,trucks collected,rejected,rejection reason,denied items,denial reason,classification,tlp,originator',
        '2026-03-20,Kerem Shalom,UN 2720,50,40,0,,,,,,',
        '2026-03-20,Kerem Shalom,Bilateral,20,20,2,,,,UNCLASSIFIED,TLP:AMBER+STRICT,UN2720',
        '2026-03-20,Kerem Shalom,Commercial,20,20,0,,Generators,,UNCLASSIFIED,TLP:GREEN,UN2720',
        '2026-03-20,Kerem Shalom,Smuggled,5,5,0,,,,UNCLASSIFIED,TLP:GREEN,UN2720',
      ].join('\n'),
    );
    const report = await importFile(subgraph.db, crossingStreams, file, importOptions);
    expect(report.committed).toBe(false);
    expect(report.problems.map((p) => [p.row, p.column])).toEqual([
      [2, null],
      [3, 'rejection reason'],
      [4, 'denial reason'],
      [5, 'stream'],
    ]);
    expect(report.problems[0].problem).toMatch(/no default marking/);
    expect(await subgraph.db.query(`SELECT id FROM crossing_stream_report WHERE date = '2026-03-20'`)).toEqual([]);
  });
});
