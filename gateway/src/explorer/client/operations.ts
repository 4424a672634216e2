/**
 * The saved operations of schema/operations/ as the gateway lists them (`/explorer/operations.json`), and, for a signed-in
 * reader, which of them the reader's rights let run (gateway/src/explorer/access.ts).
 */
import { OPERATIONS_URL } from './shell.ts';

/** A field the reader may not use, where it is in the answer, and what the schema asks for it. */
export interface Refusal {
  coordinate: string;
  path: string;
  needs: string;
}

export interface OperationAccess {
  /** `full`: runs without a refusal; `partial`: runs with the refused fields null, one error each; `refused`: nothing comes back. */
  runnable: 'full' | 'partial' | 'refused';
  refused: Refusal[];
}

export interface SavedOperation {
  name: string;
  file: string;
  type: string;
  description: string;
  document: string;
  variableDefinitions: { name: string; type: string }[];
  variables: Record<string, unknown>;
  /** Present when the gateway assessed the operation for the reader's token. */
  access?: OperationAccess;
}

export interface SavedOperations {
  operations: SavedOperation[];
  /** Whom the access was assessed for (the token's subject); absent when nothing was assessed. */
  principal?: string;
  problem?: string;
}

export async function loadOperations(token: string): Promise<SavedOperations> {
  try {
    // Outside development the saved operations need a credential; with one, the gateway also says what it refuses.
    const response = await fetch(OPERATIONS_URL, { credentials: 'omit', headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (response.status === 401 || response.status === 403) throw new Error(`HTTP ${response.status}: paste a token above to list them`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as { operations: SavedOperation[]; problems?: string[]; principal?: string };
    return { operations: body.operations, principal: body.principal, problem: body.problems?.length ? body.problems.join('; ') : undefined };
  } catch (error) {
    return { operations: [], problem: `The saved operations could not be loaded: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The refused fields of an operation grouped by what they need: one sentence per right. */
export function refusalsByNeed(refusals: readonly Refusal[]): { needs: string; coordinates: string[] }[] {
  const groups = new Map<string, Set<string>>();
  for (const refusal of refusals) {
    if (!groups.has(refusal.needs)) groups.set(refusal.needs, new Set());
    groups.get(refusal.needs)!.add(refusal.coordinate);
  }
  return [...groups].map(([needs, coordinates]) => ({ needs, coordinates: [...coordinates] }));
}
