import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { getNamedType, isEnumType, parse, TypeInfo, validate, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { AuditStore } from '@cmcc/audit-trail';
import { operationNames } from '@cmcc/platform';

/** An operation clients are known to send: saved in `schema/operations/`, or seen in the audit trail. */
export interface KnownOperation {
  origin: 'saved' | 'traffic';
  name: string | null;
  /** SHA-256 (hex) of the document text. */
  hash: string;
  document: string;
  /** Saved: the file, relative to the project root. */
  file?: string;
  /** Traffic: who sent it, when last, how often in the window. */
  clients?: string[];
  lastSeen?: string;
  count?: number;
}

export interface OperationFailure {
  operation: KnownOperation;
  errors: string[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Every `.graphql` file under `dir`, one operation per file. */
export function loadSavedOperations(dir: string, root: string): KnownOperation[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => {
      const document = fs.readFileSync(path.join(dir, file), 'utf8');
      return {
        origin: 'saved' as const,
        name: operationName(document) ?? path.basename(file, '.graphql'),
        hash: sha256(document),
        document,
        file: path.relative(root, path.join(dir, file)),
      };
    });
}

function operationName(document: string): string | null {
  return operationNames(document)[0] ?? null;
}

/**
 * The distinct operations the audit trail saw since `since`, deduplicated by the hash of their printed document.
 * Operations the gateway refused as unparseable or invalid are left out: they never worked.
 */
export async function loadTrafficOperations(store: AuditStore, since: Date): Promise<KnownOperation[]> {
  const byHash = new Map<string, KnownOperation & { clientSet: Set<string> }>();
  const cutoff = since.toISOString();
  for await (const { text } of store.records()) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON line of the trail, checked field by field below
    let record: any;
    try {
      record = JSON.parse(text);
    } catch {
      continue;
    }
    if (record?.kind !== 'event' || record.time < cutoff || typeof record.operation?.document !== 'string') continue;
    const codes: string[] = record.outcome?.errorCodes ?? [];
    if (codes.includes('GRAPHQL_PARSE_FAILED') || codes.includes('GRAPHQL_VALIDATION_FAILED')) continue;
    const hash = sha256(record.operation.document);
    const client = record.client?.name ? `${record.client.name}${record.client.version ? `@${record.client.version}` : ''}` : 'unknown client';
    const seen = byHash.get(hash);
    if (seen) {
      seen.count = (seen.count ?? 0) + 1;
      seen.clientSet.add(client);
      if (record.time > (seen.lastSeen ?? '')) seen.lastSeen = record.time;
    } else {
      byHash.set(hash, {
        origin: 'traffic',
        name: record.operation.name ?? null,
        hash,
        document: record.operation.document,
        lastSeen: record.time,
        count: 1,
        clientSet: new Set([client]),
      });
    }
  }
  return [...byHash.values()].map(({ clientSet, ...operation }) => ({ ...operation, clients: [...clientSet].sort() }));
}

/** The validation errors of an operation against a schema (parse errors included); empty when it validates. */
export function validationErrors(schema: GraphQLSchema, text: string): string[] {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (error) {
    return [(error as Error).message];
  }
  return validate(schema, document).map((error) => error.message);
}

/**
 * Operations that validate against the current graph and not against the proposed one. An operation that is already
 * invalid today is returned apart (`alreadyInvalid`): the proposal did not break it.
 */
export function checkOperations(
  current: GraphQLSchema,
  proposed: GraphQLSchema,
  operations: readonly KnownOperation[],
): { failures: OperationFailure[]; alreadyInvalid: OperationFailure[] } {
  const failures: OperationFailure[] = [];
  const alreadyInvalid: OperationFailure[] = [];
  for (const operation of operations) {
    const before = validationErrors(current, operation.document);
    if (before.length > 0) {
      alreadyInvalid.push({ operation, errors: before });
      continue;
    }
    const after = validationErrors(proposed, operation.document);
    if (after.length > 0) failures.push({ operation, errors: after });
  }
  return { failures, alreadyInvalid };
}

/**
 * The schema coordinates an operation uses against `schema`: types (of fields, variables and fragments), fields,
 * arguments and enum values written as literals. Operations that do not validate use nothing that can be named.
 */
export function coordinatesUsed(schema: GraphQLSchema, text: string): Set<string> {
  const used = new Set<string>();
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch {
    return used;
  }
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) return;
        used.add(`${parent.name}.${field.name}`);
        used.add(getNamedType(field.type).name);
      },
      Argument() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        const arg = typeInfo.getArgument();
        if (parent && field && arg) used.add(`${parent.name}.${field.name}(${arg.name}:)`);
      },
      EnumValue(node) {
        const type = typeInfo.getInputType();
        const named = type ? getNamedType(type) : null;
        if (named && isEnumType(named)) used.add(`${named.name}.${node.value}`);
      },
      NamedType(node) {
        used.add(node.name.value);
      },
    }),
  );
  return used;
}
