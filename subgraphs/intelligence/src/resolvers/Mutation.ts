import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import {
  ErrorCode,
  KNOWN_PCODES,
  markingColumns,
  performMutation,
  validateMarking,
  type AccessMarking,
  type Resolvers,
  type UserError,
} from '../../../kit/src/index.ts';
import type { Loaders } from '../data/loaders.ts';
import { TABLE } from '../data/repository.ts';

const GROUP = 'intelligence';

interface RecordInput {
  title: string;
  areaPcode: string;
  reportedAt: Date;
  source: string;
  marking: AccessMarking;
}

function validateRecord(input: RecordInput): UserError[] {
  const errors = validateMarking(input.marking, ['input', 'marking']);
  const title = input.title.trim();
  if (title.length === 0 || title.length > 200) errors.push({ field: ['input', 'title'], code: 'INVALID', message: 'A title is 1 to 200 characters' });
  if (!KNOWN_PCODES.has(input.areaPcode)) {
    errors.push({ field: ['input', 'areaPcode'], code: 'UNKNOWN_REFERENCE', message: `No area has the P-code "${input.areaPcode}"; use a governorate or locality P-code such as PS0270` });
  }
  if (input.reportedAt.getTime() > Date.now()) errors.push({ field: ['input', 'reportedAt'], code: 'INVALID', message: 'A record cannot be reported in the future' });
  return errors;
}

export const Mutation: Resolvers<Loaders>['Mutation'] = {
  async recordIntelligenceReport(_root, { input, idempotencyKey }: { input: RecordInput; idempotencyKey?: string | null }, { db, principal, requestId, loaders }) {
    const outcome = await performMutation(db, { principal, requestId }, {
      group: GROUP,
      mutation: 'recordIntelligenceReport',
      input,
      idempotencyKey,
      validate: () => validateRecord(input),
      async write(writer) {
        const row = await writer.create(TABLE, 'IntelligenceReport', {
          id: `IR-${randomUUID()}`,
          title: input.title.trim(),
          area_pcode: input.areaPcode,
          reported_at: input.reportedAt,
          source: input.source,
          ...markingColumns(input.marking),
        });
        return { id: String(row.id) };
      },
    });
    if (!outcome.ref) return { intelligenceReport: null, userErrors: outcome.userErrors };
    // An editor may write a marking that does not release the record to themselves: then the payload holds no record.
    const [record] = await loaders.intelligenceReportById.clear(outcome.ref.id).loadMany([outcome.ref.id]);
    if (record instanceof GraphQLError && record.extensions.code === ErrorCode.FORBIDDEN) return { intelligenceReport: null, userErrors: [] };
    if (record instanceof Error) throw record;
    return { intelligenceReport: record, userErrors: [] };
  },
};
