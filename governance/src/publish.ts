import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { composeSupergraph, loadSubgraphList, PROJECT_ROOT, SUPERGRAPH_PATH } from './composition.ts';
import { checkProposal, judgeProposal, type Approvals, type CheckResult, type GraphState } from './check.ts';
import { withoutVocabularyCopies } from './legacy-vocabulary.ts';
import type { KnownOperation } from './operations.ts';
import { RegistryUnavailableError, type SchemaRegistry, type SchemaVersion } from './registry/types.ts';

/**
 * Publishing: under the registry's lock, read the head, compose the proposal against the head's subgraphs, check it,
 * and compare-and-set the head. If the head moved anyway (a lock taken over from a publisher thought dead), the
 * proposal is composed and checked again against the new head: never against a stale view.
 */
const MAX_ATTEMPTS = 5;

/**
 * The current state of an empty registry: the repository's subgraphs (schema/subgraphs.json, SDLs and routing URLs),
 * judged against the committed schema/supergraph.graphql, which is what gateways serve until the first publish.
 */
export function repositoryState(): GraphState {
  const subgraphs = loadSubgraphList().map((entry) => ({ name: entry.name, url: entry.routingUrl, sdl: fs.readFileSync(path.resolve(PROJECT_ROOT, entry.schema), 'utf8') }));
  if (fs.existsSync(SUPERGRAPH_PATH)) return { subgraphs, supergraphSdl: fs.readFileSync(SUPERGRAPH_PATH, 'utf8') };
  const composed = composeSupergraph(subgraphs.map((s) => ({ name: s.name, routingUrl: s.url, sdl: s.sdl })));
  if (!composed.ok) throw new Error(`the repository's subgraphs do not compose: ${composed.problems.map((p) => `[${p.subgraph ?? 'supergraph'}] ${p.message}`).join('; ')}`);
  return { subgraphs, supergraphSdl: composed.supergraphSdl };
}

/** The head version (null for an empty registry) and the graph state checks start from. */
export async function currentState(registry: SchemaRegistry, baseline: () => GraphState = repositoryState): Promise<{ head: SchemaVersion | null; state: GraphState }> {
  const id = await registry.head();
  if (!id) return { head: null, state: withoutVocabularyCopies(baseline()) };
  const head = await registry.get(id);
  if (!head) throw new RegistryUnavailableError(`the registry head names version ${id}, which is missing`);
  return { head, state: withoutVocabularyCopies({ subgraphs: head.subgraphs, supergraphSdl: head.supergraphSdl }) };
}

export interface PublishRequest {
  subgraph: string;
  sdl: string;
  url?: string;
  author: string;
  message?: string;
  approvals?: Approvals;
  /** The saved and recently seen operations (read before the lock is taken: reading traffic can take a while). */
  operations: readonly KnownOperation[];
  /** The current state when the registry is empty (default: the repository's subgraphs). */
  baseline?: () => GraphState;
}

export type PublishOutcome =
  | { status: 'published'; version: SchemaVersion; check: CheckResult }
  /** The proposal composes into exactly the head's supergraph: nothing to publish. */
  | { status: 'unchanged'; version: SchemaVersion; check: CheckResult }
  | { status: 'failed'; check: CheckResult };

export async function publishSubgraph(registry: SchemaRegistry, request: PublishRequest): Promise<PublishOutcome> {
  return underLock(
    registry,
    `publish ${request.subgraph} by ${request.author}`,
    async ({ head, state }) => {
      const check = await checkProposal({
        subgraph: request.subgraph,
        sdl: request.sdl,
        url: request.url,
        current: state,
        operations: request.operations,
        approvals: request.approvals,
      });
      if (!check.ok || !check.proposed) return { outcome: { status: 'failed', check } };
      if (head && head.supergraphSdl === check.proposed.supergraphSdl) return { outcome: { status: 'unchanged', version: head, check } };
      const version = newVersion(head, check, { kind: 'publish', subgraph: request.subgraph, author: request.author, message: request.message, rollbackOf: null });
      return { version, outcome: { status: 'published', version, check } };
    },
    request.baseline,
  );
}

export interface RollbackRequest {
  /** The version whose supergraph is served again. */
  target: SchemaVersion;
  author: string;
  message?: string;
  approvals?: Approvals;
  operations: readonly KnownOperation[];
}

/** Publishes an old version's supergraph as a new version (history is never rewritten), after the same checks. */
export async function rollbackTo(registry: SchemaRegistry, request: RollbackRequest): Promise<PublishOutcome> {
  return underLock(registry, `rollback to ${request.target.id} by ${request.author}`, async ({ head, state }) => {
    const target = withoutVocabularyCopies({ subgraphs: request.target.subgraphs, supergraphSdl: request.target.supergraphSdl });
    const check = await judgeProposal('(rollback)', state, target, request.operations, request.approvals);
    if (!check.ok) return { outcome: { status: 'failed', check } };
    if (head && head.supergraphSdl === target.supergraphSdl) return { outcome: { status: 'unchanged', version: head, check } };
    const message = request.message ?? `rollback to ${request.target.id}`;
    const version = newVersion(head, check, { kind: 'rollback', subgraph: null, author: request.author, message, rollbackOf: request.target.id });
    return { version, outcome: { status: 'published', version, check } };
  });
}

type Attempt = (current: { head: SchemaVersion | null; state: GraphState }) => Promise<{ version?: SchemaVersion; outcome: PublishOutcome }>;

async function underLock(registry: SchemaRegistry, owner: string, attempt: Attempt, baseline?: () => GraphState): Promise<PublishOutcome> {
  const release = await registry.lock(owner);
  try {
    for (let tries = 1; ; tries++) {
      const current = await currentState(registry, baseline);
      const { version, outcome } = await attempt(current);
      if (!version) return outcome;
      if (await registry.publish(current.head?.id ?? null, version)) return outcome;
      if (tries === MAX_ATTEMPTS) throw new RegistryUnavailableError(`the registry head kept moving during ${MAX_ATTEMPTS} attempts to publish; try again`);
    }
  } finally {
    await release();
  }
}

function newVersion(
  head: SchemaVersion | null,
  check: CheckResult,
  meta: Pick<SchemaVersion, 'kind' | 'subgraph' | 'author' | 'rollbackOf'> & { message?: string | null },
): SchemaVersion {
  const proposed = check.proposed!;
  const hash = createHash('sha256').update(proposed.supergraphSdl).digest('hex');
  const seq = (head?.seq ?? 0) + 1;
  return {
    id: `${seq}-${hash.slice(0, 12)}`,
    seq,
    hash,
    parent: head?.id ?? null,
    createdAt: new Date().toISOString(),
    author: meta.author,
    message: meta.message ?? null,
    kind: meta.kind,
    subgraph: meta.subgraph,
    rollbackOf: meta.rollbackOf,
    supergraphSdl: proposed.supergraphSdl,
    subgraphs: proposed.subgraphs,
    summary: check.summary,
    changes: check.changes.map(({ verdict: _verdict, ...change }) => change),
    approvals: check.approvals,
  };
}

/** A version by id, or by sequence number alone (`7` for `7-3fa9c1d2e4b5`). */
export async function resolveVersion(registry: SchemaRegistry, reference: string): Promise<SchemaVersion | null> {
  if (/^\d+$/.test(reference)) {
    const found = (await registry.list()).find((v) => v.seq === Number(reference));
    return found ? registry.get(found.id) : null;
  }
  return registry.get(reference);
}
