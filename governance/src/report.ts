import type { CheckResult } from './check.ts';
import type { SchemaChange } from './diff.ts';
import type { OperationFailure } from './operations.ts';
import type { SchemaVersionSummary } from './registry/types.ts';

/** The check as a person reads it: verdict first, then each problem with what to do about it. */
export function formatCheck(result: CheckResult, context: { against: string }): string {
  const lines: string[] = [];
  lines.push(`Schema check of ${result.subgraph} against ${context.against}: ${result.ok ? 'PASSED' : 'FAILED'}`);
  for (const reason of result.reasons) lines.push(`  ✗ ${reason}`);
  if (!result.composition.ok) {
    lines.push('', 'Composition errors:');
    for (const problem of result.composition.problems) {
      const where = problem.locations?.map((l) => `${l.line}:${l.column}`).join(', ');
      lines.push(`  [${problem.subgraph ?? 'supergraph'}${where ? ` ${where}` : ''}]${problem.code ? ` ${problem.code}:` : ''} ${problem.message}`);
    }
    return `${lines.join('\n')}\n`;
  }
  const { breaking, dangerous, safe } = result.summary;
  lines.push('', `Changes: ${breaking} breaking, ${dangerous} dangerous, ${safe} safe`);
  for (const change of result.changes) lines.push(`  ${formatChange(change)}`);
  lines.push('', `Operations: ${result.operations.saved} saved and ${result.operations.traffic} seen in traffic checked; ${result.operations.failures.length} would break`);
  for (const failure of result.operations.failures) lines.push(...formatFailure(failure));
  if (result.operations.alreadyInvalid.length > 0) {
    lines.push(
      `  (${result.operations.alreadyInvalid.length} already invalid against the current graph, not counted: ${result.operations.alreadyInvalid.map((f) => f.operation.name ?? f.operation.hash.slice(0, 12)).join(', ')})`,
    );
  }
  lines.push('', `Protection: ${result.loosenings.length} loosening(s)${result.approvals.loosening ? ` (approved: "${result.approvals.loosening}")` : ''}`);
  for (const loosening of result.loosenings) lines.push(`  ${loosening.approved ? 'approved' : 'REFUSED '} ${loosening.kind} ${loosening.coordinate}: ${loosening.description}`);
  lines.push('', `Nullability: ${result.nullability.length} non-null field(s) crossing a subgraph boundary`);
  for (const field of result.nullability) lines.push(`  ✗ ${field.kind} ${field.coordinate}: ${field.message}`);
  if (result.approvals.breaking) lines.push('', `Breaking changes allowed: "${result.approvals.breaking}"`);
  if (!result.ok) {
    lines.push('', 'What to do:');
    if (result.changes.some((c) => 'verdict' in c && c.verdict === 'blocking')) {
      lines.push('  - keep the element and mark it @deprecated(reason: "..."); remove it once no operation uses it (or pass --allow-breaking "<reason>")');
    }
    if (result.operations.failures.length > 0) lines.push('  - keep what these operations use, or update the operations (and their clients) first');
    if (result.nullability.length > 0) {
      lines.push('  - make each field listed under Nullability nullable (`[Item!]` may keep its items non-null) and say in its description when it is null');
    }
    if (result.loosenings.some((l) => !l.approved)) lines.push('  - keep the protection, or have it approved: --approve-loosening "<reason>" (recorded with the version)');
  }
  return `${lines.join('\n')}\n`;
}

export function formatChange(change: SchemaChange & { verdict?: string }): string {
  const verdict = change.verdict ? ` [${change.verdict}]` : '';
  return `${change.class.toUpperCase().padEnd(9)} ${change.type} ${change.coordinate}: ${change.description}${verdict}`;
}

function formatFailure({ operation, errors }: OperationFailure): string[] {
  const who = operation.origin === 'saved' ? `saved ${operation.file}` : `seen ${operation.count} time(s), last ${operation.lastSeen}, from ${operation.clients?.join(', ')}`;
  return [`  ✗ ${operation.name ?? '(anonymous)'} ${operation.hash.slice(0, 12)} (${who})`, ...errors.map((error) => `      ${error}`)];
}

/** JSON for pipelines: the result without the composed SDLs (they are large and in the registry once published). */
export function checkJson(result: CheckResult): unknown {
  return { ...result, proposed: result.proposed ? { subgraphs: result.proposed.subgraphs.map((s) => ({ name: s.name, url: s.url })) } : null };
}

export function formatHistory(versions: readonly SchemaVersionSummary[], head: string | null): string {
  if (versions.length === 0) return 'The registry holds no version yet; gateways serve the committed schema/supergraph.graphql.\n';
  const lines = versions.map((v) => {
    const what = v.kind === 'rollback' ? `rollback to ${v.rollbackOf}` : `publish ${v.subgraph}`;
    const counts = `${v.summary.breaking} breaking, ${v.summary.dangerous} dangerous, ${v.summary.safe} safe`;
    return `${v.id === head ? '*' : ' '} ${v.id}  ${v.createdAt}  ${v.author}  ${what}  (${counts})${v.message ? `  "${v.message}"` : ''}`;
  });
  return `${lines.join('\n')}\n(* = head, served by gateways)\n`;
}
