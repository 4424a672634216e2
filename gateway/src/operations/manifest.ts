import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { parse, print, type DocumentNode } from 'graphql';
import { loadSavedOperations } from '../explorer/operations.ts';

/** Apollo's persisted query manifest format (what `npm run operations:manifest` writes and GATEWAY_OPERATIONS_MANIFEST reads). */
export interface OperationManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: { id: string; name: string; type: string; body: string }[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The hash the safelist compares: of the document printed by graphql-js, so layout and comments do not matter. */
export function normalizedHash(document: DocumentNode): string {
  return sha256(print(document));
}

/**
 * The manifest of the saved operations in `dir` (schema/operations/); `id` is the SHA-256 of `body`, as APQ hashes it.
 * A file that does not parse fails the build, unless `onProblem` takes it (the operation is then left out).
 */
export function buildManifest(dir: string, onProblem?: (problem: string) => void): OperationManifest {
  const { operations, problems } = loadSavedOperations(dir);
  if (problems.length > 0 && !onProblem) throw new Error(`Saved operations that do not parse:\n  ${problems.join('\n  ')}`);
  problems.forEach((problem) => onProblem?.(problem));
  return {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: operations.map((operation) => ({ id: sha256(operation.document), name: operation.name, type: operation.type, body: operation.document })),
  };
}

export function readManifest(file: string): OperationManifest {
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as OperationManifest;
  if (manifest.format !== 'apollo-persisted-query-manifest' || !Array.isArray(manifest.operations)) {
    throw new Error(`${file} is not a persisted query manifest (format "apollo-persisted-query-manifest", version 1)`);
  }
  for (const operation of manifest.operations) {
    if (sha256(operation.body) !== operation.id) throw new Error(`${file}: operation ${operation.name} has an id that is not the SHA-256 of its body`);
  }
  return manifest;
}

/** What the gateway knows of the manifest: bodies by id (for APQ lookups) and the normalized hashes it allows. */
export interface KnownOperations {
  readonly bodies: ReadonlyMap<string, string>;
  readonly allowed: ReadonlySet<string>;
}

export function knownOperations(manifest: OperationManifest): KnownOperations {
  return {
    bodies: new Map(manifest.operations.map((operation) => [operation.id, operation.body])),
    allowed: new Set(manifest.operations.map((operation) => normalizedHash(parse(operation.body)))),
  };
}
