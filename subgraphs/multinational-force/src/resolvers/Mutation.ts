import { randomUUID } from 'node:crypto';
import { KNOWN_PCODES, markingColumns, mutateRecord, UserErrors, type AccessMarking, type Resolvers, type UserError } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { TABLE } from '../data/repository.ts';
import { NATION } from './validate.ts';

const GROUP = 'multinational-force';

interface ContributionInput {
  nation: string;
  unit: string;
  role: string;
  personnel: number;
  readiness: string;
  readinessAsOf: Date;
  areaPcode: string;
  source: string;
  marking: AccessMarking;
}

interface ReadinessInput {
  id: string;
  version: number;
  readiness: string;
  readinessAsOf: Date;
  marking?: AccessMarking | null;
}

function notInFuture(at: Date, field: string, errors: UserError[]): void {
  if (at.getTime() > Date.now()) errors.push({ field: ['input', field], code: 'INVALID', message: 'A readiness cannot be reported in the future' });
}

function validateContribution(input: ContributionInput): UserError[] {
  const errors: UserError[] = [];
  if (!NATION.test(input.nation)) errors.push({ field: ['input', 'nation'], code: 'INVALID', message: `"${input.nation}" is not an ISO 3166-1 alpha-3 nation code (e.g. EGY)` });
  const unit = input.unit.trim();
  if (unit.length === 0 || unit.length > 200) errors.push({ field: ['input', 'unit'], code: 'INVALID', message: 'A unit name is 1 to 200 characters' });
  if (!Number.isInteger(input.personnel) || input.personnel < 1 || input.personnel > 20000) {
    errors.push({ field: ['input', 'personnel'], code: 'INVALID', message: 'Personnel is a whole number from 1 to 20000' });
  }
  if (!KNOWN_PCODES.has(input.areaPcode)) {
    errors.push({
      field: ['input', 'areaPcode'],
      code: 'UNKNOWN_REFERENCE',
      message: `No area has the P-code "${input.areaPcode}"; use a governorate or locality P-code such as PS0275`,
    });
  }
  notInFuture(input.readinessAsOf, 'readinessAsOf', errors);
  return errors;
}

export const Mutation: Resolvers<Loaders>['Mutation'] = {
  async recordForceContribution(_root, { input, idempotencyKey }: { input: ContributionInput; idempotencyKey?: string | null }, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'recordForceContribution',
        input,
        idempotencyKey,
        marking: input.marking,
        validate: () => validateContribution(input),
        async write(writer) {
          const row = await writer.create(TABLE, 'ForceContribution', {
            id: `FC-${randomUUID()}`,
            nation: input.nation,
            unit: input.unit.trim(),
            role: input.role,
            personnel: input.personnel,
            readiness: input.readiness,
            readiness_as_of: input.readinessAsOf,
            area_pcode: input.areaPcode,
            source: input.source,
            ...markingColumns(input.marking),
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.forceContributionById.clear(id).load(id),
      },
    );
    return { forceContribution: record, userErrors };
  },

  async updateForceReadiness(_root, { input, idempotencyKey }: { input: ReadinessInput; idempotencyKey?: string | null }, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'updateForceReadiness',
        input,
        idempotencyKey,
        marking: input.marking,
        validate() {
          const errors: UserError[] = [];
          notInFuture(input.readinessAsOf, 'readinessAsOf', errors);
          return errors;
        },
        async write(writer) {
          // A contribution not released to the editor is answered exactly like a missing one: the refusal reveals nothing.
          const current = await writer.lock(TABLE, 'force contribution', input.id);
          if (new Date(current.readiness_as_of).getTime() > input.readinessAsOf.getTime()) {
            throw new UserErrors([
              {
                field: ['input', 'readinessAsOf'],
                code: 'INVALID',
                message: `A readiness of ${new Date(current.readiness_as_of).toISOString()} is recorded already; report a later one`,
              },
            ]);
          }
          const row = await writer.update(TABLE, 'ForceContribution', input.id, input.version, {
            readiness: input.readiness,
            readiness_as_of: input.readinessAsOf,
            ...(input.marking ? markingColumns(input.marking) : {}),
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.forceContributionById.clear(id).load(id),
      },
    );
    return { forceContribution: record, userErrors };
  },
};
