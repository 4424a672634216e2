import { randomUUID } from 'node:crypto';
import { CLASSIFICATIONS, KNOWN_PCODES, markingColumns, mutateRecord, type AccessMarking, type Principal, type Resolvers, type UserError } from '@cmcc/subgraph-kit';
import { credibilityDigit, type Credibility, type Reliability } from '../data/grading.ts';
import type { Loaders } from '../data/loaders.ts';
import { TABLE } from '../data/repository.ts';

const GROUP = 'intelligence';
const INCIDENT_ID = /^INC-[A-Z0-9-]{1,40}$/;
const STRICT_TLPS: readonly AccessMarking['tlp'][] = ['AMBER', 'AMBER_STRICT', 'RED'];

interface ReportInput {
  title: string;
  summary: string;
  reportedAt: Date;
  discipline: string;
  sourceReliability: Reliability;
  informationCredibility: Credibility;
  sourceDescription: string;
  areaPcode: string;
  relatedIncidentIds?: string[] | null;
  source: string;
  marking?: AccessMarking | null;
}

/** The marking of a report written without one: SECRET for the Five Eyes, TLP:AMBER, from the editor's nation. */
export function defaultReportMarking(principal: Principal): AccessMarking {
  return { classification: 'SECRET', releasableTo: ['FVEY'], tlp: 'AMBER', originator: principal.nation ?? principal.organization ?? 'CMCC', recipients: [], caveats: [] };
}

function text(value: string, max: number, field: string, errors: UserError[]): void {
  const length = value.trim().length;
  if (length === 0 || length > max) errors.push({ field: ['input', field], code: 'INVALID', message: `Must be 1 to ${max} characters` });
}

function validateReport(input: ReportInput, marking: AccessMarking): UserError[] {
  const errors: UserError[] = [];
  if (CLASSIFICATIONS.indexOf(marking.classification) < CLASSIFICATIONS.indexOf('RESTRICTED')) {
    errors.push({ field: ['input', 'marking', 'classification'], code: 'INVALID', message: 'An intelligence report is at least RESTRICTED' });
  }
  if (!STRICT_TLPS.includes(marking.tlp)) {
    errors.push({ field: ['input', 'marking', 'tlp'], code: 'INVALID', message: `An intelligence report is TLP:AMBER, AMBER_STRICT or RED, not ${marking.tlp}` });
  }
  text(input.title, 200, 'title', errors);
  text(input.summary, 4000, 'summary', errors);
  text(input.sourceDescription, 500, 'sourceDescription', errors);
  if (!KNOWN_PCODES.has(input.areaPcode)) {
    errors.push({
      field: ['input', 'areaPcode'],
      code: 'UNKNOWN_REFERENCE',
      message: `No area has the P-code "${input.areaPcode}"; use a governorate or locality P-code such as PS0270`,
    });
  }
  const incidents = input.relatedIncidentIds ?? [];
  if (incidents.length > 50) errors.push({ field: ['input', 'relatedIncidentIds'], code: 'INVALID', message: 'At most 50 related incidents' });
  for (const id of incidents) {
    if (!INCIDENT_ID.test(id)) errors.push({ field: ['input', 'relatedIncidentIds'], code: 'INVALID', message: `"${id}" is not a security incident id (INC-...)` });
  }
  if (input.reportedAt.getTime() > Date.now()) errors.push({ field: ['input', 'reportedAt'], code: 'INVALID', message: 'A report cannot be issued in the future' });
  return errors;
}

export const Mutation: Resolvers<Loaders>['Mutation'] = {
  async recordIntelligenceReport(_root, { input, idempotencyKey }: { input: ReportInput; idempotencyKey?: string | null }, { db, principal, requestId, loaders }) {
    const marking = input.marking ?? defaultReportMarking(principal);
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'recordIntelligenceReport',
        input,
        idempotencyKey,
        marking,
        validate: () => validateReport(input, marking),
        async write(writer) {
          const row = await writer.create(TABLE, 'IntelligenceReport', {
            id: `IR-${randomUUID()}`,
            title: input.title.trim(),
            summary: input.summary.trim(),
            reported_at: input.reportedAt,
            discipline: input.discipline,
            source_reliability: input.sourceReliability,
            information_credibility: credibilityDigit(input.informationCredibility),
            source_description: input.sourceDescription.trim(),
            area_pcode: input.areaPcode,
            related_incident_ids: [...new Set(input.relatedIncidentIds ?? [])],
            source: input.source,
            ...markingColumns(marking),
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.intelligenceReportById.clear(id).load(id),
      },
    );
    return { intelligenceReport: record, userErrors };
  },
};
