import type { GraphQLSchema } from 'graphql';
import { composeSupergraph, type CompositionProblem } from './composition.ts';
import { apiSchemaOf } from './api-schema.ts';
import { diffSchemas, isDeprecated, summarize, type ChangeClass, type SchemaChange } from './diff.ts';
import { checkOperations, coordinatesUsed, type KnownOperation, type OperationFailure } from './operations.ts';
import { findNonNullCrossSubgraphFields, type NonNullCrossSubgraphField } from './nullability.ts';
import { findLoosenings, type Loosening } from './protection.ts';

/** One subgraph as composed: its name, routing URL and SDL. */
export interface SubgraphSnapshot {
  name: string;
  url: string;
  sdl: string;
}

/** A composed graph: its subgraphs and the supergraph they compose into. */
export interface GraphState {
  subgraphs: SubgraphSnapshot[];
  supergraphSdl: string;
}

/** Reasons given on the command line to let a check pass despite a loosening or a breaking change. */
export interface Approvals {
  loosening?: string;
  breaking?: string;
}

export interface CheckInput {
  subgraph: string;
  sdl: string;
  /** Routing URL; defaults to the current one. Required for a subgraph not yet in the graph. */
  url?: string;
  current: GraphState;
  operations: readonly KnownOperation[];
  approvals?: Approvals;
}

export interface ClassifiedChange extends SchemaChange {
  /** Breaking changes only: `deprecation path` (deprecated before and unused), `approved`, or `blocking`. */
  verdict?: 'deprecation path' | 'approved' | 'blocking';
}

export interface CheckResult {
  ok: boolean;
  subgraph: string;
  /** Why the check failed, one sentence each; empty when it passed. */
  reasons: string[];
  composition: { ok: boolean; problems: CompositionProblem[] };
  /** The graph the proposal composes into; null when composition failed. */
  proposed: GraphState | null;
  changes: ClassifiedChange[];
  summary: Record<ChangeClass, number>;
  operations: { saved: number; traffic: number; failures: OperationFailure[]; alreadyInvalid: OperationFailure[] };
  loosenings: (Loosening & { approved: boolean })[];
  /** Non-null fields that cross a subgraph boundary in the proposed graph (see nullability.ts); any one fails the check. */
  nullability: NonNullCrossSubgraphField[];
  approvals: Approvals;
}

/** The subgraphs with `subgraph` replaced by the proposal (or added, for a new subgraph). */
export function withProposal(current: GraphState, subgraph: string, sdl: string, url: string | undefined): SubgraphSnapshot[] {
  const existing = current.subgraphs.find((s) => s.name === subgraph);
  const next = { name: subgraph, url: url ?? existing?.url ?? '', sdl };
  return existing ? current.subgraphs.map((s) => (s.name === subgraph ? next : s)) : [...current.subgraphs, next].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Composes the proposed SDL with every other subgraph's current SDL and judges the result against the current
 * supergraph: composition, change classes, known operations, loosening of protection, and the nullability rule.
 */
export async function checkProposal(input: CheckInput): Promise<CheckResult> {
  const approvals = input.approvals ?? {};
  const base = {
    subgraph: input.subgraph,
    approvals,
    changes: [],
    summary: { breaking: 0, dangerous: 0, safe: 0 },
    operations: { saved: count(input.operations, 'saved'), traffic: count(input.operations, 'traffic'), failures: [], alreadyInvalid: [] },
    loosenings: [],
    nullability: [],
    proposed: null,
  };
  const existing = input.current.subgraphs.some((s) => s.name === input.subgraph);
  if (!existing && !input.url) {
    const reason = `${input.subgraph} is not in the graph yet: give its routing URL with --url.`;
    return { ...base, ok: false, reasons: [reason], composition: { ok: false, problems: [{ subgraph: input.subgraph, code: 'ROUTING_URL_MISSING', message: reason }] } };
  }
  const subgraphs = withProposal(input.current, input.subgraph, input.sdl, input.url);
  const composed = composeSupergraph(subgraphs.map((s) => ({ name: s.name, routingUrl: s.url, sdl: s.sdl })));
  if (!composed.ok) {
    return { ...base, ok: false, reasons: [`The proposal does not compose (${composed.problems.length} problem(s)).`], composition: { ok: false, problems: composed.problems } };
  }
  return judgeProposal(input.subgraph, input.current, { subgraphs, supergraphSdl: composed.supergraphSdl }, input.operations, approvals);
}

/** Judges a composed proposal (a publish, or a rollback to an older graph) against the current graph. */
export async function judgeProposal(
  subgraph: string,
  current: GraphState,
  proposed: GraphState,
  operations: readonly KnownOperation[],
  approvals: Approvals = {},
): Promise<CheckResult> {
  const currentApi = apiSchemaOf(current.supergraphSdl);
  const proposedApi = apiSchemaOf(proposed.supergraphSdl);
  const checked = checkOperations(currentApi, proposedApi, operations);
  const changes = classifyBreaking(await diffSchemas(currentApi, proposedApi), currentApi, operations, approvals);
  const loosenings = findLoosenings({ supergraphSdl: current.supergraphSdl, api: currentApi }, { supergraphSdl: proposed.supergraphSdl, api: proposedApi }).map((loosening) => ({
    ...loosening,
    approved: Boolean(approvals.loosening),
  }));
  const reasons: string[] = [];
  const blocking = changes.filter((c) => c.verdict === 'blocking');
  if (blocking.length > 0) {
    reasons.push(`${blocking.length} breaking change(s) without --allow-breaking (and not deprecated-and-unused first): ${blocking.map((c) => c.coordinate).join(', ')}.`);
  }
  if (checked.failures.length > 0) {
    reasons.push(
      `${checked.failures.length} known operation(s) would no longer validate: ${checked.failures.map((f) => f.operation.name ?? f.operation.hash.slice(0, 12)).join(', ')}.`,
    );
  }
  const unapproved = loosenings.filter((l) => !l.approved);
  if (unapproved.length > 0) reasons.push(`${unapproved.length} loosening(s) of protection without --approve-loosening: ${unapproved.map((l) => l.coordinate).join(', ')}.`);
  const nullability = findNonNullCrossSubgraphFields(proposed.subgraphs);
  if (nullability.length > 0) {
    reasons.push(
      `${nullability.length} non-null field(s) crossing a subgraph boundary: ${nullability.map((f) => f.coordinate).join(', ')}. A subgraph that is down would null their parent and the null would run up to the root; make them nullable.`,
    );
  }
  return {
    subgraph,
    approvals,
    ok: reasons.length === 0,
    reasons,
    composition: { ok: true, problems: [] },
    proposed,
    changes,
    summary: summarize(changes),
    operations: { saved: count(operations, 'saved'), traffic: count(operations, 'traffic'), ...checked },
    loosenings,
    nullability,
  };
}

function count(operations: readonly KnownOperation[], origin: KnownOperation['origin']): number {
  return operations.filter((o) => o.origin === origin).length;
}

/**
 * A breaking change passes when its element was deprecated in the current graph and no known operation uses it
 * (the deprecation path), or with --allow-breaking; otherwise it blocks.
 */
function classifyBreaking(changes: SchemaChange[], currentApi: GraphQLSchema, operations: readonly KnownOperation[], approvals: Approvals): ClassifiedChange[] {
  let used: Set<string> | undefined;
  const usedCoordinates = () => (used ??= new Set(operations.flatMap((o) => [...coordinatesUsed(currentApi, o.document)])));
  return changes.map((change) => {
    if (change.class !== 'breaking') return change;
    // An enum value cannot be seen in a document when it is only returned: an operation reading the enum counts as a use.
    const enumType = change.type === 'ENUM_VALUE_REMOVED' ? change.coordinate.split('.')[0] : null;
    const inUse = usedCoordinates().has(change.coordinate) || (enumType !== null && usedCoordinates().has(enumType));
    if (isDeprecated(currentApi, change.coordinate) && !inUse) return { ...change, verdict: 'deprecation path' };
    return { ...change, verdict: approvals.breaking ? 'approved' : 'blocking' };
  });
}
