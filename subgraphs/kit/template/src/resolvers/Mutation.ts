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
} from '../../../src/index.ts';
import type { Loaders } from '../data/loaders.ts';
import { TABLE } from '../data/repository.ts';

const GROUP = 'sample-group';

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
  async recordSampleGroupRecord(_root, { input, idempotencyKey }: { input: RecordInput; idempotencyKey?: string | null }, { db, principal, requestId, loaders }) {
    const outcome = await performMutation(db, { principal, requestId }, {
      group: GROUP,
      mutation: 'recordSampleGroupRecord',
      input,
      idempotencyKey,
      validate: () => validateRecord(input),
      async write(writer) {
        const row = await writer.create(TABLE, 'SampleGroupRecord', {
          id: `SGR-${randomUUID()}`,
          title: input.title.trim(),
          area_pcode: input.areaPcode,
          reported_at: input.reportedAt,
          source: input.source,
          ...markingColumns(input.marking),
        });
        return { id: String(row.id) };
      },
    });
    if (!outcome.ref) return { sampleGroupRecord: null, userErrors: outcome.userErrors };
    // An editor may write a marking that does not release the record to themselves: then the payload holds no record.
    const [record] = await loaders.sampleGroupRecordById.clear(outcome.ref.id).loadMany([outcome.ref.id]);
    if (record instanceof GraphQLError && record.extensions.code === ErrorCode.FORBIDDEN) return { sampleGroupRecord: null, userErrors: [] };
    if (record instanceof Error) throw record;
    return { sampleGroupRecord: record, userErrors: [] };
  },
};
