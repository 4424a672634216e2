import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { security } from '../src/server.ts';
import { REAL_INCIDENT_ID } from '../src/data/seed.ts';
import { startTestSubgraph, TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(security);
});
afterAll(() => subgraph?.close());

const MARKING = { classification: 'RESTRICTED', releasableTo: ['FVEY', 'CMCC'], tlp: 'AMBER', originator: 'USA' };
const INCIDENT = {
  eventDate: '2025-11-20',
  occurredAt: '2025-11-20T14:05:00Z',
  eventType: 'STRATEGIC_DEVELOPMENTS',
  subEventType: 'LOOTING_PROPERTY_DESTRUCTION',
  actor1: 'Unidentified Armed Group (Palestine)',
  actor2: 'Aid Workers (International)',
  areaPcode: 'PS027001',
  locationName: 'Khan Younis – Salah al-Din Road',
  latitude: 31.36,
  longitude: 34.31,
  fatalities: 0,
  injured: 1,
  affectsAid: true,
  convoyId: 'CONVOY-0042',
  source: 'SYNTHETIC',
  notes: 'Illustrative record: a truck of a WFP convoy looted at a makeshift roadblock.',
  marking: MARKING,
};
const INCIDENT_FIELDS = `id eventDate eventType subEventType area { pcode } latitude longitude verification verificationNote sourceEventId
  marking { classification releasableTo tlp originator }
  provenance { version recordedBy recordedVia updatedBy updatedAt }
  history { version operation changedBy via fields { field previousValue newValue } }`;
const REPORT_INCIDENT = `mutation($input: ReportIncidentInput!, $key: String) {
  reportIncident(input: $input, idempotencyKey: $key) { incident { ${INCIDENT_FIELDS} } userErrors { field code message } }
}`;
const UPDATE_VERIFICATION = `mutation($input: UpdateIncidentVerificationInput!, $key: String) {
  updateIncidentVerification(input: $input, idempotencyKey: $key) { incident { ${INCIDENT_FIELDS} } userErrors { field code message } }
}`;
const VIOLATION = {
  reportedBy: 'CMCC liaison cell',
  allegedParty: 'Unidentified Armed Group (Palestine)',
  violationType: 'ARMED_APPROACH',
  occurredAt: '2025-11-21T03:10:00Z',
  areaPcode: 'PS027003',
  yellowLineSide: 'WITHDRAWN_SIDE',
  distanceToLineM: 300,
  source: 'SYNTHETIC',
  notes: 'Illustrative record: armed men approached the yellow line east of Khuza’a.',
  marking: MARKING,
};
const REPORT_VIOLATION = `mutation($input: ReportCeasefireViolationInput!, $key: String) {
  reportCeasefireViolation(input: $input, idempotencyKey: $key) {
    ceasefireViolationReport { id violationType verification incident { id } area { pcode } provenance { version recordedBy recordedVia } history { version operation fields { field newValue } } }
    userErrors { field code message }
  }
}`;

const count = async (table: string) => (await subgraph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
const counts = async () => ({
  incidents: await count('security_incident'),
  reports: await count('ceasefire_violation_report'),
  history: await count('record_change'),
  keys: await count('idempotency_key'),
});
const codes = (errors: { field: string[]; code: string }[]) => errors.map((e) => `${e.field.join('.')}:${e.code}`);

async function reportIncident(input: Record<string, unknown> = INCIDENT) {
  const { data, errors } = await subgraph.execute(REPORT_INCIDENT, { input });
  expect(errors).toBeUndefined();
  expect(data.reportIncident.userErrors).toEqual([]);
  return data.reportIncident.incident;
}

describe('reportIncident', () => {
  it('records an incident with its marking, provenance and a CREATE entry in its history', async () => {
    const incident = await reportIncident();
    expect(incident).toMatchObject({
      eventDate: '2025-11-20',
      eventType: 'STRATEGIC_DEVELOPMENTS',
      subEventType: 'LOOTING_PROPERTY_DESTRUCTION',
      area: { pcode: 'PS027001' },
      verification: 'UNVERIFIED',
      verificationNote: null,
      marking: { classification: 'RESTRICTED', releasableTo: ['FVEY', 'CMCC'], tlp: 'AMBER', originator: 'USA' },
      provenance: { version: 1, recordedBy: 'test-editor', recordedVia: 'MUTATION:reportIncident', updatedBy: null, updatedAt: null },
    });
    expect(incident.id).toMatch(/^INC-/);
    expect(incident.history).toHaveLength(1);
    expect(incident.history[0]).toMatchObject({ version: 1, operation: 'CREATE', changedBy: 'test-editor', via: 'MUTATION:reportIncident' });
    expect(incident.history[0].fields).toEqual(
      expect.arrayContaining([
        { field: 'event_type', previousValue: null, newValue: '"STRATEGIC_DEVELOPMENTS"' },
        { field: 'area_pcode', previousValue: null, newValue: '"PS027001"' },
      ]),
    );
    const { data } = await subgraph.execute(`{ incident(id: "${incident.id}") { id convoyId affectsAid } }`);
    expect(data.incident).toEqual({ id: incident.id, convoyId: 'CONVOY-0042', affectsAid: true });
  });

  it('refuses input that breaks the taxonomy, the geography or the marking rules, with field paths and codes, and writes nothing', async () => {
    const before = await counts();
    const { data } = await subgraph.execute(REPORT_INCIDENT, {
      input: {
        ...INCIDENT,
        eventDate: '2099-01-01',
        occurredAt: null,
        eventType: 'PROTESTS',
        subEventType: 'AIR_DRONE_STRIKE',
        actor1: '  ',
        areaPcode: 'PS0299',
        latitude: 31.525,
        longitude: 34.596,
        fatalities: -1,
        marking: { ...MARKING, tlp: 'RED', releasableTo: ['Britain'] },
      },
    });
    expect(data.reportIncident.incident).toBeNull();
    expect(codes(data.reportIncident.userErrors)).toEqual([
      'input.marking.releasableTo:INVALID',
      'input.marking.recipients:REQUIRED',
      'input.eventDate:INVALID',
      'input.subEventType:INVALID',
      'input.actor1:REQUIRED',
      'input.areaPcode:UNKNOWN_REFERENCE',
      'input.latitude:INVALID',
      'input.fatalities:INVALID',
    ]);
    const message = (path: string) => data.reportIncident.userErrors.find((e: { field: string[] }) => e.field.join('.') === path).message;
    expect(message('input.subEventType')).toBe(
      'AIR_DRONE_STRIKE is a sub-event type of EXPLOSIONS_REMOTE_VIOLENCE, not of PROTESTS; PROTESTS has PEACEFUL_PROTEST, PROTEST_WITH_INTERVENTION, EXCESSIVE_FORCE_AGAINST_PROTESTERS',
    );
    expect(message('input.latitude')).toContain('lies outside the Gaza Strip');
    expect(await counts()).toEqual(before);
  });

  it('explains swapped coordinates, a lone coordinate, a time off the event day and a convoy without affectsAid', async () => {
    const swapped = await subgraph.execute(REPORT_INCIDENT, { input: { ...INCIDENT, latitude: 34.31, longitude: 31.36 } });
    expect(swapped.data.reportIncident.userErrors).toEqual([
      { field: ['input', 'latitude'], code: 'INVALID', message: expect.stringContaining('latitude and longitude look swapped') },
    ]);
    const lone = await subgraph.execute(REPORT_INCIDENT, { input: { ...INCIDENT, longitude: null } });
    expect(codes(lone.data.reportIncident.userErrors)).toEqual(['input.longitude:REQUIRED']);
    // 00:30 in Gaza (UTC+2) on the 21st is 22:30 UTC on the 20th: the event day is the UTC day.
    const localTime = await subgraph.execute(REPORT_INCIDENT, { input: { ...INCIDENT, occurredAt: '2025-11-21T00:30:00+02:00' } });
    expect(localTime.data.reportIncident.userErrors).toEqual([]);
    const wrongDay = await subgraph.execute(REPORT_INCIDENT, { input: { ...INCIDENT, occurredAt: '2025-11-21T08:00:00Z' } });
    expect(wrongDay.data.reportIncident.userErrors).toEqual([
      { field: ['input', 'occurredAt'], code: 'INVALID', message: 'The time 2025-11-21T08:00:00.000Z falls on 2025-11-21 (UTC), not on the event date 2025-11-20' },
    ]);
    const convoy = await subgraph.execute(REPORT_INCIDENT, { input: { ...INCIDENT, affectsAid: false } });
    expect(codes(convoy.data.reportIncident.userErrors)).toEqual(['input.affectsAid:INVALID']);
    const verifiedWithoutNote = await subgraph.execute(REPORT_INCIDENT, { input: { ...INCIDENT, verification: 'CONFIRMED' } });
    expect(codes(verifiedWithoutNote.data.reportIncident.userErrors)).toEqual(['input.verificationNote:REQUIRED']);
  });

  it('refuses a second incident with the same source event id as DUPLICATE, naming the incident that has it', async () => {
    const first = await reportIncident({ ...INCIDENT, sourceEventId: 'PSE-SYN-9001' });
    const before = await counts();
    const { data } = await subgraph.execute(REPORT_INCIDENT, { input: { ...INCIDENT, sourceEventId: ' PSE-SYN-9001 ', fatalities: 3 } });
    expect(data.reportIncident.userErrors).toEqual([
      { field: ['input', 'sourceEventId'], code: 'DUPLICATE', message: `Incident ${first.id} already records the source's event PSE-SYN-9001` },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('writes once for a retried request with the same idempotency key, and refuses the key for a different request', async () => {
    const before = await counts();
    const first = await subgraph.execute(REPORT_INCIDENT, { input: INCIDENT, key: 'incident-retry-1' });
    const again = await subgraph.execute(REPORT_INCIDENT, { input: INCIDENT, key: 'incident-retry-1' });
    expect(again.data.reportIncident.incident.id).toBe(first.data.reportIncident.incident.id);
    expect(again.data.reportIncident.incident.provenance.version).toBe(1);
    const reused = await subgraph.execute(REPORT_INCIDENT, { input: { ...INCIDENT, fatalities: 2 }, key: 'incident-retry-1' });
    expect(reused.data.reportIncident).toEqual({
      incident: null,
      userErrors: [{ field: ['idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED', message: expect.stringContaining('reportIncident') }],
    });
    expect(await counts()).toEqual({ ...before, incidents: before.incidents + 1, history: before.history + 1, keys: before.keys + 1 });
  });

  it('leaves nothing behind when the database fails midway through the write', async () => {
    const before = await counts();
    const stop = subgraph.db.onQuery((sql) => {
      if (sql.includes('INSERT INTO record_change')) throw new Error('injected failure');
    });
    try {
      const { data, errors } = await subgraph.execute(REPORT_INCIDENT, { input: INCIDENT, key: 'incident-fails-midway' });
      expect(data?.reportIncident ?? null).toBeNull();
      expect(errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(errors?.[0].message).not.toContain('injected');
    } finally {
      stop();
    }
    expect(await counts()).toEqual(before);
    // The key was not consumed: the retry writes.
    const retry = await subgraph.execute(REPORT_INCIDENT, { input: INCIDENT, key: 'incident-fails-midway' });
    expect(retry.data.reportIncident.userErrors).toEqual([]);
  });

  it('refuses a principal without write:security before reading the input', async () => {
    const before = await counts();
    const reader = { ...TEST_PRINCIPAL, subject: 'humanitarian-editor', scopes: ['write:humanitarian'] };
    const { data, errors } = await subgraph.execute(REPORT_INCIDENT, { input: { ...INCIDENT, areaPcode: 'PS0299' } }, reader);
    expect(data?.reportIncident ?? null).toBeNull();
    expect(errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(errors?.[0].message).toContain('write:security');
    expect(await counts()).toEqual(before);
  });
});

describe('updateIncidentVerification', () => {
  it('changes the verification with the version last read and keeps why, and what it was, in the history', async () => {
    const created = await reportIncident();
    const { data } = await subgraph.execute(UPDATE_VERIFICATION, {
      input: { id: created.id, version: 1, verification: 'CORROBORATED', note: 'WFP convoy lead confirmed the loss of one truck.' },
    });
    expect(data.updateIncidentVerification.userErrors).toEqual([]);
    const incident = data.updateIncidentVerification.incident;
    expect(incident).toMatchObject({
      verification: 'CORROBORATED',
      verificationNote: 'WFP convoy lead confirmed the loss of one truck.',
      provenance: { version: 2, recordedBy: 'test-editor', recordedVia: 'MUTATION:reportIncident', updatedBy: 'test-editor' },
    });
    expect(incident.provenance.updatedAt).not.toBeNull();
    expect(incident.history[1]).toEqual({
      version: 2,
      operation: 'UPDATE',
      changedBy: 'test-editor',
      via: 'MUTATION:updateIncidentVerification',
      fields: [
        { field: 'verification', previousValue: '"UNVERIFIED"', newValue: '"CORROBORATED"' },
        { field: 'verification_note', previousValue: 'null', newValue: '"WFP convoy lead confirmed the loss of one truck."' },
      ],
    });
  });

  it('refuses a stale version with CONFLICT and changes nothing', async () => {
    const created = await reportIncident();
    await subgraph.execute(UPDATE_VERIFICATION, { input: { id: created.id, version: 1, verification: 'CONFIRMED', note: 'MQ-9 imagery.' } });
    const before = await counts();
    const stale = await subgraph.execute(UPDATE_VERIFICATION, { input: { id: created.id, version: 1, verification: 'REFUTED', note: 'Convoy arrived intact.' } });
    expect(stale.data.updateIncidentVerification).toEqual({
      incident: null,
      userErrors: [{ field: ['input', 'version'], code: 'CONFLICT', message: expect.stringContaining('is at version 2, not 1: test-editor changed it') }],
    });
    const [row] = await subgraph.db.query('SELECT verification, verification_note, version FROM security_incident WHERE id = $1', [created.id]);
    expect(row).toEqual({ verification: 'CONFIRMED', verification_note: 'MQ-9 imagery.', version: 2 });
    expect(await counts()).toEqual(before);
  });

  it('requires a note, and answers NOT_FOUND for an unknown incident', async () => {
    const noNote = await subgraph.execute(UPDATE_VERIFICATION, { input: { id: REAL_INCIDENT_ID, version: 1, verification: 'REFUTED', note: ' ' } });
    expect(codes(noNote.data.updateIncidentVerification.userErrors)).toEqual(['input.note:REQUIRED']);
    const unknown = await subgraph.execute(UPDATE_VERIFICATION, { input: { id: 'INC-NOPE', version: 1, verification: 'REFUTED', note: 'x' } });
    expect(unknown.data.updateIncidentVerification.userErrors).toEqual([{ field: ['input', 'id'], code: 'NOT_FOUND', message: 'No SecurityIncident has the id "INC-NOPE"' }]);
  });

  it('updates a seeded incident, whose provenance says it came from the seed', async () => {
    const { data } = await subgraph.execute(UPDATE_VERIFICATION, {
      input: { id: 'INC-0002', version: 1, verification: 'REFUTED', note: 'Synthetic: the reporting partner withdrew the report.' },
    });
    expect(data.updateIncidentVerification.incident).toMatchObject({
      provenance: { version: 2, recordedBy: 'seed', recordedVia: 'SEED', updatedBy: 'test-editor' },
      history: [{ version: 2, operation: 'UPDATE', via: 'MUTATION:updateIncidentVerification' }],
    });
  });

  it('writes once for a retried update with the same idempotency key, and refuses the key for a different update', async () => {
    const created = await reportIncident();
    const input = { id: created.id, version: 1, verification: 'CORROBORATED', note: 'Second source.' };
    const first = await subgraph.execute(UPDATE_VERIFICATION, { input, key: 'verify-retry-1' });
    expect(first.data.updateIncidentVerification.incident.provenance.version).toBe(2);
    // Without the key this retry would be a stale-version CONFLICT; with it, the first result comes back.
    const again = await subgraph.execute(UPDATE_VERIFICATION, { input, key: 'verify-retry-1' });
    expect(again.data.updateIncidentVerification).toMatchObject({ userErrors: [], incident: { id: created.id, provenance: { version: 2 } } });
    const reused = await subgraph.execute(UPDATE_VERIFICATION, { input: { ...input, version: 2, verification: 'CONFIRMED' }, key: 'verify-retry-1' });
    expect(codes(reused.data.updateIncidentVerification.userErrors)).toEqual(['idempotencyKey:IDEMPOTENCY_KEY_REUSED']);
    const [row] = await subgraph.db.query('SELECT verification, version FROM security_incident WHERE id = $1', [created.id]);
    expect(row).toEqual({ verification: 'CORROBORATED', version: 2 });
    expect(await count(`record_change WHERE entity_id = '${created.id}'`)).toBe(2);
  });

  it('leaves the incident as it was when the database fails midway through the update', async () => {
    const created = await reportIncident();
    const before = await counts();
    const stop = subgraph.db.onQuery((sql) => {
      if (sql.includes('INSERT INTO record_change')) throw new Error('injected failure');
    });
    try {
      const { errors } = await subgraph.execute(UPDATE_VERIFICATION, { input: { id: created.id, version: 1, verification: 'CONFIRMED', note: 'x' }, key: 'verify-fails' });
      expect(errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      stop();
    }
    const [row] = await subgraph.db.query('SELECT verification, verification_note, version, updated_by FROM security_incident WHERE id = $1', [created.id]);
    expect(row).toEqual({ verification: 'UNVERIFIED', verification_note: null, version: 1, updated_by: null });
    expect(await counts()).toEqual(before);
  });
});

describe('reportCeasefireViolation', () => {
  it('records an allegation linked to an incident, with provenance and history', async () => {
    const incident = await reportIncident();
    const { data } = await subgraph.execute(REPORT_VIOLATION, { input: { ...VIOLATION, incidentId: incident.id } });
    expect(data.reportCeasefireViolation.userErrors).toEqual([]);
    const report = data.reportCeasefireViolation.ceasefireViolationReport;
    expect(report).toMatchObject({
      violationType: 'ARMED_APPROACH',
      verification: 'UNVERIFIED',
      incident: { id: incident.id },
      area: { pcode: 'PS027003' },
      provenance: { version: 1, recordedBy: 'test-editor', recordedVia: 'MUTATION:reportCeasefireViolation' },
      history: [{ version: 1, operation: 'CREATE' }],
    });
    expect(report.history[0].fields).toContainEqual({ field: 'alleged_party', newValue: '"Unidentified Armed Group (Palestine)"' });
    const { data: read } = await subgraph.execute(`{ ceasefireViolationReport(id: "${report.id}") { id provenance { version } } }`);
    expect(read.ceasefireViolationReport).toEqual({ id: report.id, provenance: { version: 1 } });
  });

  it('refuses an event before the ceasefire, a distance that contradicts ON_LINE, a bad marking and an unknown area, writing nothing', async () => {
    const before = await counts();
    const { data } = await subgraph.execute(REPORT_VIOLATION, {
      input: {
        ...VIOLATION,
        reportedBy: '',
        occurredAt: '2025-10-09T21:00:00Z',
        areaPcode: 'PS',
        yellowLineSide: 'ON_LINE',
        distanceToLineM: 400,
        marking: { ...MARKING, classification: 'SECRET', tlp: 'CLEAR' },
      },
    });
    expect(data.reportCeasefireViolation.ceasefireViolationReport).toBeNull();
    expect(codes(data.reportCeasefireViolation.userErrors)).toEqual([
      'input.marking.tlp:INVALID',
      'input.reportedBy:REQUIRED',
      'input.occurredAt:INVALID',
      'input.areaPcode:UNKNOWN_REFERENCE',
      'input.distanceToLineM:INVALID',
    ]);
    expect(data.reportCeasefireViolation.userErrors[2].message).toContain('took effect on 2025-10-10');
    expect(await counts()).toEqual(before);
  });

  it('refuses a link to an unknown incident as UNKNOWN_REFERENCE and writes nothing', async () => {
    const before = await counts();
    const { data } = await subgraph.execute(REPORT_VIOLATION, { input: { ...VIOLATION, incidentId: 'INC-NOPE' }, key: 'violation-unknown-incident' });
    expect(data.reportCeasefireViolation.userErrors).toEqual([
      { field: ['input', 'incidentId'], code: 'UNKNOWN_REFERENCE', message: 'No security incident has the id "INC-NOPE"' },
    ]);
    // The refused request did not consume its idempotency key either.
    expect(await counts()).toEqual(before);
  });

  it('writes once for a retried request with the same idempotency key, and refuses the key for a different request', async () => {
    const before = await counts();
    const first = await subgraph.execute(REPORT_VIOLATION, { input: VIOLATION, key: 'violation-retry-1' });
    const again = await subgraph.execute(REPORT_VIOLATION, { input: VIOLATION, key: 'violation-retry-1' });
    expect(again.data.reportCeasefireViolation.ceasefireViolationReport.id).toBe(first.data.reportCeasefireViolation.ceasefireViolationReport.id);
    const reused = await subgraph.execute(REPORT_VIOLATION, { input: { ...VIOLATION, distanceToLineM: 250 }, key: 'violation-retry-1' });
    expect(codes(reused.data.reportCeasefireViolation.userErrors)).toEqual(['idempotencyKey:IDEMPOTENCY_KEY_REUSED']);
    // A key is the principal's own: another editor's identical key is a new request.
    const other = { ...TEST_PRINCIPAL, subject: 'other-security-editor' };
    const otherFirst = await subgraph.execute(REPORT_VIOLATION, { input: VIOLATION, key: 'violation-retry-1' }, other);
    expect(otherFirst.data.reportCeasefireViolation.userErrors).toEqual([]);
    expect(await counts()).toEqual({ ...before, reports: before.reports + 2, history: before.history + 2, keys: before.keys + 2 });
  });

  it('leaves nothing behind when the database fails midway through the write', async () => {
    const before = await counts();
    const stop = subgraph.db.onQuery((sql) => {
      if (sql.includes('INSERT INTO record_change')) throw new Error('injected failure');
    });
    try {
      const { errors } = await subgraph.execute(REPORT_VIOLATION, { input: VIOLATION, key: 'violation-fails' });
      expect(errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      stop();
    }
    expect(await counts()).toEqual(before);
  });
});
