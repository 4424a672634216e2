import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readCommandLine } from '@cmcc/platform';
import { ConfigError, type Env } from '@cmcc/platform';
import { openAuditStore } from '@cmcc/audit-trail';
import { PROJECT_ROOT } from './composition.ts';
import { apiSchemaOf } from './api-schema.ts';
import { checkProposal, type Approvals } from './check.ts';
import { loadSchemaCliConfig, type SchemaCliConfig } from './config.ts';
import { diffSchemas, summarize } from './diff.ts';
import { loadSavedOperations, loadTrafficOperations, type KnownOperation } from './operations.ts';
import { currentState, publishSubgraph, resolveVersion, rollbackTo, type PublishOutcome } from './publish.ts';
import { openRegistry, RegistryUnavailableError, type SchemaRegistry } from './registry/index.ts';
import { checkJson, formatChange, formatCheck, formatHistory } from './report.ts';
import { unifiedDiff } from './unified-diff.ts';

/** `npm run schema -- <command>`: exit code 0 passed, 1 check failed, 2 bad usage, bad configuration or registry unreachable. */
export const EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2 });

export const USAGE = `Usage: npm run schema -- <command> [options]
  check <subgraph> [--sdl <file>] [--url <routing url>] [--json] [--approve-loosening "<reason>"] [--allow-breaking "<reason>"] [--traffic-days N]
        without --sdl: the working tree's subgraphs/<subgraph>/schema.graphql
  publish <subgraph> --sdl <file> [--url <routing url>] [--author <name>] [--message "<text>"] (and the check's options)
  history [--limit N] [--json]
  diff <a> <b> [--json]                versions by id or sequence number
  rollback <version> [--author <name>] [--message "<text>"] [--approve-loosening "<reason>"] [--allow-breaking "<reason>"] [--json]
Exit code: 0 passed, 1 check failed, 2 usage or configuration error, or registry unreachable.`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

class UsageError extends Error {}

const OPTIONS = {
  sdl: { type: 'string' },
  url: { type: 'string' },
  json: { type: 'boolean' },
  'approve-loosening': { type: 'string' },
  'allow-breaking': { type: 'string' },
  'traffic-days': { type: 'string' },
  author: { type: 'string' },
  message: { type: 'string' },
  limit: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

export async function runSchemaCommand(argv: string[], env: Env, io: CliIo): Promise<number> {
  const parsed = readCommandLine({ usage: USAGE, options: OPTIONS, allowPositionals: true }, argv);
  if (parsed.kind === 'help') {
    io.out(`${USAGE}\n`);
    return EXIT.OK;
  }
  if (parsed.kind === 'error') {
    io.err(`${parsed.message}\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (!command) {
    io.err(`Name a command.\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  let config: SchemaCliConfig;
  try {
    config = loadSchemaCliConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`${error.message}\n`);
      return EXIT.USAGE;
    }
    throw error;
  }
  const registry = openRegistry(config.registry);
  try {
    switch (command) {
      case 'check':
        return await check(registry, config, args, values, io);
      case 'publish':
        return await publish(registry, config, args, values, io);
      case 'history':
        return await history(registry, values, io);
      case 'diff':
        return await diff(registry, args, values, io);
      case 'rollback':
        return await rollback(registry, config, args, values, io);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n${USAGE}\n`);
      return EXIT.USAGE;
    }
    if (error instanceof RegistryUnavailableError || error instanceof ConfigError) {
      io.err(`${error.message}\n`);
      return EXIT.USAGE;
    }
    throw error;
  } finally {
    await registry.close();
  }
}

function approvalsOf(values: Values): Approvals {
  for (const flag of ['approve-loosening', 'allow-breaking'] as const) {
    if (values[flag] !== undefined && !values[flag].trim()) throw new UsageError(`--${flag} needs a reason, e.g. --${flag} "ticket CMCC-123, approved by the security WG lead"`);
  }
  return { ...(values['approve-loosening'] ? { loosening: values['approve-loosening'] } : {}), ...(values['allow-breaking'] ? { breaking: values['allow-breaking'] } : {}) };
}

function readSdl(subgraph: string, file: string | undefined, required: boolean): string {
  if (!/^[a-z][a-z0-9-]*$/.test(subgraph)) throw new UsageError(`"${subgraph}" is not a subgraph name (lower-case letters, digits and dashes)`);
  if (!file && required) throw new UsageError('--sdl <file> is required: the SDL to publish');
  const target = file ? path.resolve(file) : path.join(PROJECT_ROOT, 'subgraphs', subgraph, 'schema.graphql');
  try {
    return fs.readFileSync(target, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the SDL ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The saved operations and those the audit trail saw in the last `--traffic-days` days (default 14; 0 reads no traffic). */
async function knownOperations(config: SchemaCliConfig, values: Values): Promise<KnownOperation[]> {
  const days = values['traffic-days'] === undefined ? 14 : Number(values['traffic-days']);
  if (!Number.isInteger(days) || days < 0) throw new UsageError(`--traffic-days must be a whole number of days (0 or more), got "${values['traffic-days']}"`);
  const saved = loadSavedOperations(path.join(PROJECT_ROOT, 'schema', 'operations'), PROJECT_ROOT);
  if (days === 0) return saved;
  const store = openAuditStore(config.audit);
  try {
    return [...saved, ...(await loadTrafficOperations(store, new Date(Date.now() - days * 86_400_000)))];
  } catch (error) {
    throw new RegistryUnavailableError(
      `cannot read the audit trail (${store.description}) for recent operations: ${(error as Error).message}; use --traffic-days 0 to check saved operations only`,
    );
  } finally {
    await store.close();
  }
}

function against(head: { id: string } | null, registry: SchemaRegistry): string {
  return head
    ? `version ${head.id} (${registry.description})`
    : `the committed schema/supergraph.graphql, which gateways serve while the registry (${registry.description}) is empty`;
}

async function check(registry: SchemaRegistry, config: SchemaCliConfig, args: string[], values: Values, io: CliIo): Promise<number> {
  const [subgraph] = args;
  if (!subgraph || args.length > 1) throw new UsageError('check takes one subgraph name');
  const sdl = readSdl(subgraph, values.sdl, false);
  const approvals = approvalsOf(values);
  const operations = await knownOperations(config, values);
  const { head, state } = await currentState(registry);
  const result = await checkProposal({ subgraph, sdl, url: values.url, current: state, operations, approvals });
  io.out(values.json ? `${JSON.stringify({ against: head?.id ?? null, ...(checkJson(result) as object) }, null, 2)}\n` : formatCheck(result, { against: against(head, registry) }));
  return result.ok ? EXIT.OK : EXIT.FAILED;
}

function printOutcome(outcome: PublishOutcome, values: Values, io: CliIo, against: string): number {
  if (values.json) {
    const version = outcome.status === 'failed' ? null : { id: outcome.version.id, seq: outcome.version.seq, parent: outcome.version.parent, summary: outcome.version.summary };
    io.out(`${JSON.stringify({ status: outcome.status, version, check: checkJson(outcome.check) }, null, 2)}\n`);
  } else if (outcome.status === 'failed') {
    io.out(formatCheck(outcome.check, { against }));
    io.out('Nothing was published: gateways keep serving the current version.\n');
  } else if (outcome.status === 'unchanged') {
    io.out(`No change: the proposal composes into the head's supergraph; ${outcome.version.id} stays the head.\n`);
  } else {
    const { breaking, dangerous, safe } = outcome.version.summary;
    io.out(`Published ${outcome.version.id} (parent ${outcome.version.parent ?? 'none'}): ${breaking} breaking, ${dangerous} dangerous, ${safe} safe.\n`);
    io.out(`${outcome.version.id}\n`);
  }
  return outcome.status === 'failed' ? EXIT.FAILED : EXIT.OK;
}

async function publish(registry: SchemaRegistry, config: SchemaCliConfig, args: string[], values: Values, io: CliIo): Promise<number> {
  const [subgraph] = args;
  if (!subgraph || args.length > 1) throw new UsageError('publish takes one subgraph name');
  const sdl = readSdl(subgraph, values.sdl, true);
  if (values.url) {
    try {
      new URL(values.url);
    } catch {
      throw new UsageError(`--url must be a URL such as http://security:4003/graphql, got "${values.url}"`);
    }
  }
  const approvals = approvalsOf(values);
  const operations = await knownOperations(config, values);
  const outcome = await publishSubgraph(registry, { subgraph, sdl, url: values.url, author: values.author || config.author, message: values.message, approvals, operations });
  return printOutcome(outcome, values, io, `the registry head (${registry.description})`);
}

async function history(registry: SchemaRegistry, values: Values, io: CliIo): Promise<number> {
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit <= 0) throw new UsageError(`--limit must be a positive whole number, got "${values.limit}"`);
  const [head, versions] = await Promise.all([registry.head(), registry.list(limit)]);
  io.out(values.json ? `${JSON.stringify({ head, versions }, null, 2)}\n` : formatHistory(versions, head));
  return EXIT.OK;
}

async function diff(registry: SchemaRegistry, args: string[], values: Values, io: CliIo): Promise<number> {
  if (args.length !== 2) throw new UsageError('diff takes two versions');
  const [a, b] = await Promise.all(args.map((reference) => resolveVersion(registry, reference)));
  const missing = args.filter((_, i) => ![a, b][i]);
  if (!a || !b) throw new UsageError(`no such version: ${missing.join(', ')} (see npm run schema -- history)`);
  const changes = await diffSchemas(apiSchemaOf(a.supergraphSdl), apiSchemaOf(b.supergraphSdl));
  const sdlDiff = unifiedDiff(a.supergraphSdl, b.supergraphSdl, { before: `supergraph ${a.id}`, after: `supergraph ${b.id}` });
  if (values.json) io.out(`${JSON.stringify({ from: a.id, to: b.id, summary: summarize(changes), changes, diff: sdlDiff }, null, 2)}\n`);
  else {
    const { breaking, dangerous, safe } = summarize(changes);
    io.out(`Changes from ${a.id} to ${b.id}: ${breaking} breaking, ${dangerous} dangerous, ${safe} safe\n`);
    for (const change of changes) io.out(`  ${formatChange(change)}\n`);
    io.out(`\n${sdlDiff || '(the supergraphs are identical)\n'}`);
  }
  return EXIT.OK;
}

async function rollback(registry: SchemaRegistry, config: SchemaCliConfig, args: string[], values: Values, io: CliIo): Promise<number> {
  if (args.length !== 1) throw new UsageError('rollback takes one version');
  const target = await resolveVersion(registry, args[0]);
  if (!target) throw new UsageError(`no such version: ${args[0]} (see npm run schema -- history)`);
  const approvals = approvalsOf(values);
  const operations = await knownOperations(config, values);
  const outcome = await rollbackTo(registry, { target, author: values.author || config.author, message: values.message, approvals, operations });
  return printOutcome(outcome, values, io, `the registry head (${registry.description})`);
}
