import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import {
  ErrorCode,
  KNOWN_PCODES,
  markingColumns,
  performMutation,
  SqlParams,
  UserErrors,
  validateMarking,
  viewerOf,
  visibleSql,
  type AccessMarking,
  type Resolvers,
  type UserError,
} from '../../../kit/src/index.ts';
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
  const errors = validateMarking(input.marking, ['input', 'marking']);
  if (!NATION.test(input.nation)) errors.push({ field: ['input', 'nation'], code: 'INVALID', message: `"${input.nation}" is not an ISO 3166-1 alpha-3 nation code (e.g. EGY)` });
  const unit = input.unit.trim();
  if (unit.length === 0 || unit.length > 200) errors.push({ field: ['input', 'unit'], code: 'INVALID', message: 'A unit name is 1 to 200 characters' });
  if (!Number.isInteger(input.personnel) || input.personnel < 1 || input.personnel > 20000) {
    errors.push({ field: ['input', 'personnel'], code: 'INVALID', message: 'Personnel is a whole number from 1 to 20000' });
  }
  if (!KNOWN_PCODES.has(input.areaPcode)) {
    errors.push({ field: ['input', 'areaPcode'], code: 'UNKNOWN_REFERENCE', message: `No area has the P-code "${input.areaPcode}"; use a governorate or locality P-code such as PS0275` });
  }
  notInFuture(input.readinessAsOf, 'readinessAsOf', errors);
  return errors;
}

/** The payload's record: null when the marking written does not release it to the editor. */
async function releasedToEditor(loaders: Loaders, id: string) {
  const [contribution] = await loaders.forceContributionById.clear(id).loadMany([id]);
  if (contribution instanceof GraphQLError && contribution.extensions.code === ErrorCode.FORBIDDEN) return null;
  if (contribution instanceof Error) throw contribution;
  return contribution;
}

export const Mutation: Resolvers<Loaders>['Mutation'] = {
  async recordForceContribution(_root, { input, idempotencyKey }: { input: ContributionInput; idempotencyKey?: string | null }, { db, principal, requestId, loaders }) {
    const outcome = await performMutation(db, { principal, requestId }, {
      group: GROUP,
      mutation: 'recordForceContribution',
      input,
      idempotencyKey,
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
    });
    return {
      forceContribution: outcome.ref ? await releasedToEditor(loaders, outcome.ref.id) : null,
      userErrors: outcome.userErrors,
    };
  },

  async updateForceReadiness(_root, { input, idempotencyKey }: { input: ReadinessInput; idempotencyKey?: string | null }, { db, principal, requestId, loaders }) {
    const outcome = await performMutation(db, { principal, requestId }, {
      group: GROUP,
      mutation: 'updateForceReadiness',
      input,
      idempotencyKey,
      validate() {
        const errors = input.marking ? validateMarking(input.marking, ['input', 'marking']) : [];
        notInFuture(input.readinessAsOf, 'readinessAsOf', errors);
        return errors;
      },
      async write(writer, tx) {
        // A contribution not released to the editor is answered exactly like a missing one: the refusal reveals nothing.
        const params = new SqlParams();
        const [current] = await tx.query<{ readiness_as_of: Date }>(
          `SELECT t.readiness_as_of FROM ${TABLE} t WHERE t.id = ${params.add(input.id)} AND ${visibleSql(viewerOf(principal), params)}`,
          params.values,
        );
        if (!current) throw new UserErrors([{ field: ['input', 'id'], code: 'NOT_FOUND', message: `No force contribution has the id "${input.id}"` }]);
        if (new Date(current.readiness_as_of).getTime() > input.readinessAsOf.getTime()) {
          throw new UserErrors([{ field: ['input', 'readinessAsOf'], code: 'INVALID', message: `A readiness of ${new Date(current.readiness_as_of).toISOString()} is recorded already; report a later one` }]);
        }
        const row = await writer.update(TABLE, 'ForceContribution', input.id, input.version, {
          readiness: input.readiness,
          readiness_as_of: input.readinessAsOf,
          ...(input.marking ? markingColumns(input.marking) : {}),
        });
        return { id: String(row.id) };
      },
    });
    return {
      forceContribution: outcome.ref ? await releasedToEditor(loaders, outcome.ref.id) : null,
      userErrors: outcome.userErrors,
    };
  },
};
