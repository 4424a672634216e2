// One argument parser for every command-line tool (`npm run <tool>`), on Node's own `util.parseArgs`:
// `--help` / `-h` prints the tool's usage on stdout and exits 0; an unknown flag, a flag without its value or a
// positional a tool does not take prints the problem and the usage on stderr and exits 2, never a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What a tool accepts: its usage text (first line `Usage: npm run ...`), its flags, and whether it takes positionals. */
export interface CliSpec<O extends Options> {
  readonly usage: string;
  readonly options?: O;
  readonly allowPositionals?: boolean;
}

type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>;

/** The outcome of reading a command line, without printing or exiting (for tools that return an exit code themselves). */
export type CliOutcome<O extends Options> =
  { readonly kind: 'ok'; readonly values: Parsed<O>['values']; readonly positionals: string[] } | { readonly kind: 'help' } | { readonly kind: 'error'; readonly message: string };

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

export function readCommandLine<O extends Options>(spec: CliSpec<O>, args: string[]): CliOutcome<O> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...spec.options, ...HELP } as Options, allowPositionals: spec.allowPositionals ?? false, strict: true });
  } catch (error) {
    // parseArgs names the flag ("Unknown option '--x'", "Option '--name <value>' argument missing"); its hint about `--`
    // is for a script author, not for the reader of a usage line.
    return { kind: 'error', message: (error as Error).message.replace(/\. To specify a positional argument starting with.*$/s, '.') };
  }
  if ((parsed.values as { help?: boolean }).help) return { kind: 'help' };
  const { help: _help, ...values } = parsed.values as Record<string, unknown>;
  return { kind: 'ok', values: values as Parsed<O>['values'], positionals: parsed.positionals };
}

/** Reads the tool's command line (default: `process.argv`); on `--help` or a usage error it prints and exits. */
export function parseCli<O extends Options>(spec: CliSpec<O>, args: string[] = process.argv.slice(2)): { values: Parsed<O>['values']; positionals: string[] } {
  const outcome = readCommandLine(spec, args);
  if (outcome.kind === 'help') {
    process.stdout.write(`${spec.usage.trimEnd()}\n`);
    process.exit(0);
  }
  if (outcome.kind === 'error') usageError(spec.usage, outcome.message);
  return outcome;
}

/** A usage problem the tool found itself (a missing or wrong argument): the message and the usage on stderr, exit 2. */
export function usageError(usage: string, message: string): never {
  process.stderr.write(`${message}\n\n${usage.trimEnd()}\n`);
  process.exit(2);
}
