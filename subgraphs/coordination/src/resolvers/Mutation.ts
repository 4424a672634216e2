import { randomUUID } from 'node:crypto';
import { KNOWN_PCODES, markingColumns, mutateRecord, type AccessMarking, type Resolvers, type UserError } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { TABLE } from '../data/repository.ts';

const GROUP = 'coordination';

interface RecordInput {
  title: string;
  areaPcode: string;
  reportedAt: Date;
  source: string;
  marking: AccessMarking;
}

function validateRecord(input: RecordInput): UserError[] {
  const errors: UserError[] = [];
  const title = input.title.trim();
  if (title.length === 0 || title.length > 200) errors.push({ field: ['input', 'title'], code: 'INVALID', message: 'A title is 1 to 200 characters' });
  if (!KNOWN_PCODES.has(input.areaPcode)) {
    errors.push({
      field: ['input', 'areaPcode'],
      code: 'UNKNOWN_REFERENCE',
      message: `No area has the P-code "${input.areaPcode}"; use a governorate or locality P-code such as PS0270`,
    });
  }
  if (input.reportedAt.getTime() > Date.now()) errors.push({ field: ['input', 'reportedAt'], code: 'INVALID', message: 'A record cannot be reported in the future' });
  return errors;
}

export const Mutation: Resolvers<Loaders>['Mutation'] = {
  async recordCoordinationRequest(_root, { input, idempotencyKey }: { input: RecordInput; idempotencyKey?: string | null }, { db, principal, requestId, loaders }) {
    // The kit checks the marking, the scope and the writing rule, writes with history and provenance, and reads the
    // record back under the caller's own visibility: this resolver only says what to write and how to load it.
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'recordCoordinationRequest',
        input,
        idempotencyKey,
        marking: input.marking,
        validate: () => validateRecord(input),
        async write(writer) {
          const row = await writer.create(TABLE, 'CoordinationRequest', {
            id: `CR-${randomUUID()}`,
            title: input.title.trim(),
            area_pcode: input.areaPcode,
            reported_at: input.reportedAt,
            source: input.source,
            ...markingColumns(input.marking),
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.coordinationRequestById.clear(id).load(id),
      },
    );
    return { coordinationRequest: record, userErrors };
  },
};
