import { z } from 'zod';

/**
 * The environment variables, declared once. Each component (platform services, gateway, audit trail, schema registry)
 * declares its variables with `defineEnv`: name, meaning, default, a zod schema of the value, whether it is a secret and
 * the former names it still answers to. Its config loader reads them all with `readEnv`, which validates every value,
 * applies the defaults, resolves former names (warning once) and collects every problem; the README table is generated
 * from the same declarations (`npm run env-table`).
 *
 * Naming rule (README "Configuration"): conventional names operators expect stay as they are (`NODE_ENV`, `HOST`, `PORT`,
 * `LOG_LEVEL`, `DATABASE_URL`, `REDIS_URL`, the OpenTelemetry `OTEL_*`), so do the settings every service shares
 * (`DATA_DIR`, `METRICS_TOKEN`, `SHUTDOWN_GRACE_MS`); every other variable starts with its component's prefix.
 */

export type Env = Readonly<Record<string, string | undefined>>;

/** One variable: what it means, who reads it, its default, its schema and whether its value may be shown. */
export interface EnvVariable<S extends z.ZodType = z.ZodType> {
  readonly description: string;
  /** Who reads it, as shown in the README (e.g. `gateway`, `subgraphs`, `` `npm run schema` ``). */
  readonly components: readonly string[];
  /** Validates and converts the raw (non-empty) value. */
  readonly schema: S;
  /** What a valid value is, completing "<NAME> ..." in a problem, e.g. `must be a positive whole number`. */
  readonly rule: string;
  /** The raw value used when the variable is unset or empty; it goes through `schema` too. */
  readonly default?: string;
  /** The default as the README shows it, when it is not a fixed value (e.g. `<DATA_DIR>/audit`). */
  readonly defaultText?: string;
  /** Never echoed in a problem or a log line. */
  readonly secret?: boolean;
  /** Former names still read (with a deprecation warning at start-up) while this one is unset. */
  readonly formerNames?: readonly string[];
  /**
   * A family of variables, such as `SUBGRAPH_<NAME>_URL`: the regular expression matches every member and captures
   * `<NAME>`. Read with `readEnvFamily`.
   */
  readonly pattern?: RegExp;
}

export type EnvSpecs = Readonly<Record<string, EnvVariable>>;

/** The values of a set of variables, converted by their schemas; optional unless a default is declared. */
export type EnvValues<S extends EnvSpecs> = {
  readonly [K in keyof S]: S[K] extends { readonly default: string } ? z.output<S[K]['schema']> : z.output<S[K]['schema']> | undefined;
};

/** Declares a component's variables (keeps the literal types so `readEnv` knows which have defaults). */
export function defineEnv<const S extends EnvSpecs>(specs: S): S {
  return specs;
}

/** Thrown when the environment is invalid; lists every problem at once. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    const unique = [...new Set(problems)];
    super(`Invalid configuration:\n  - ${unique.join('\n  - ')}`);
    this.problems = unique;
    this.name = 'ConfigError';
  }
}

const warned = new WeakMap<object, Set<string>>();

/**
 * A former name in use: one `DeprecationWarning` (code `CMCC_ENV_RENAMED`) per environment and name, so a service that
 * reads the same variable from several of its loaders warns once at start-up.
 */
function warnRenamed(env: Env, formerName: string, name: string): void {
  let seen = warned.get(env);
  if (!seen) warned.set(env, (seen = new Set()));
  if (seen.has(formerName)) return;
  seen.add(formerName);
  process.emitWarning(`${formerName} is deprecated and will be removed: rename it to ${name} (the value is used as ${name} meanwhile)`, {
    type: 'DeprecationWarning',
    code: 'CMCC_ENV_RENAMED',
  });
}

/**
 * The raw value of a variable or, while it is unset, of its first former name that is set, with the label a problem
 * names it by (`EXPLORER (now GATEWAY_EXPLORER)` when the former name gave the value).
 */
function rawValue(env: Env, name: string, spec: EnvVariable, problems: string[]): { raw: string | undefined; label: string } {
  const value = env[name] === '' ? undefined : env[name];
  let found: { raw: string | undefined; label: string } = { raw: value, label: name };
  for (const formerName of spec.formerNames ?? []) {
    const former = env[formerName];
    if (former === undefined || former === '') continue;
    if (value !== undefined && value !== former) {
      problems.push(`${name} and its former name ${formerName} are both set, to different values; keep ${name} only`);
      continue;
    }
    warnRenamed(env, formerName, name);
    if (found.raw === undefined) found = { raw: former, label: `${formerName} (now ${name})` };
  }
  return found;
}

function check<S extends z.ZodType>(name: string, spec: EnvVariable<S>, raw: string, problems: string[]): z.output<S> | undefined {
  const result = spec.schema.safeParse(raw);
  if (result.success) return result.data;
  problems.push(spec.secret ? `${name} ${spec.rule}` : `${name} ${spec.rule}, got "${raw}"`);
  return undefined;
}

/**
 * Reads and validates every variable of `specs` from `env`. A problem is added to `problems` for each invalid value
 * (its default is used instead, so later checks still run) and each conflict between a name and its former name.
 */
export function readEnv<const S extends EnvSpecs>(env: Env, specs: S, problems: string[]): EnvValues<S> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.pattern) continue;
    const { raw, label } = rawValue(env, name, spec, problems);
    let value = raw === undefined ? undefined : check(label, spec, raw, problems);
    if (value === undefined && spec.default !== undefined) value = spec.schema.parse(spec.default);
    values[name] = value;
  }
  return values as EnvValues<S>;
}

/** The members of a family such as `SUBGRAPH_<NAME>_URL`, by `<NAME>` in lower case with `-` for `_` (`civil-administration`). */
export function readEnvFamily<S extends z.ZodType>(env: Env, spec: EnvVariable<S>, problems: string[]): Record<string, z.output<S>> {
  const members: Record<string, z.output<S>> = {};
  if (!spec.pattern) return members;
  for (const [variable, raw] of Object.entries(env)) {
    const match = spec.pattern.exec(variable);
    if (!match || raw === undefined || raw === '') continue;
    const value = check(variable, spec, raw, problems);
    if (value !== undefined) members[match[1].toLowerCase().replace(/_/g, '-')] = value;
  }
  return members;
}

/**
 * Variables that start with one of `prefixes` but are declared nowhere in `registries` (under their name, a former name
 * or a family's pattern): most likely misspelt, so the setting silently keeps its default. Names only, never values.
 */
export function undeclaredVariables(env: Env, registries: readonly EnvSpecs[], prefixes: readonly string[]): string[] {
  const known = new Set<string>();
  const patterns: RegExp[] = [];
  for (const specs of registries) {
    for (const [name, spec] of Object.entries(specs)) {
      if (spec.pattern) patterns.push(spec.pattern);
      else known.add(name);
      for (const formerName of spec.formerNames ?? []) known.add(formerName);
    }
  }
  return Object.keys(env)
    .filter((name) => prefixes.some((prefix) => name.startsWith(prefix)) && !known.has(name) && !patterns.some((pattern) => pattern.test(name)))
    .sort();
}

/** One warning (code `CMCC_ENV_UNKNOWN`) per environment and name for each of `undeclaredVariables`. */
export function warnUndeclared(env: Env, registries: readonly EnvSpecs[], prefixes: readonly string[]): void {
  let seen = warned.get(env);
  if (!seen) warned.set(env, (seen = new Set()));
  for (const name of undeclaredVariables(env, registries, prefixes)) {
    if (seen.has(`unknown:${name}`)) continue;
    seen.add(`unknown:${name}`);
    process.emitWarning(`${name} is not a setting of this service and is ignored; is it misspelt? (README "Configuration" lists every variable)`, { code: 'CMCC_ENV_UNKNOWN' });
  }
}

// ---- Schemas of the usual kinds of value, each with the rule a problem states. ----

/** Digits only (an optional sign), as a number. */
const integer = z
  .string()
  .trim()
  .regex(/^[+-]?\d+$/)
  .transform(Number);

/** A whole number from `min` to `max`. */
export function wholeNumber({ min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  return {
    schema: integer.pipe(z.number().int().min(min).max(max)),
    rule: max === Number.MAX_SAFE_INTEGER ? `must be a whole number, at least ${min}` : `must be a whole number from ${min} to ${max}`,
  };
}

/** A whole number above 0 (at most `max` when given). */
export function positiveInt(max?: number) {
  return {
    schema: integer.pipe(
      z
        .number()
        .int()
        .positive()
        .max(max ?? Number.MAX_SAFE_INTEGER),
    ),
    rule: `must be a positive whole number${max === undefined ? '' : ` up to ${max}`}`,
  };
}

/** A number of at least `min` (decimals allowed), e.g. seconds. */
export function decimal({ min = 0, unit = 'number' } = {}) {
  return {
    schema: z
      .string()
      .trim()
      .regex(/^[+-]?\d+(\.\d+)?$/)
      .transform(Number)
      .pipe(z.number().min(min)),
    rule: `must be a ${unit === 'number' ? 'number' : `number of ${unit}`}, at least ${min}`,
  };
}

export function port() {
  return { schema: integer.pipe(z.number().int().min(0).max(65535)), rule: 'must be a port number from 0 to 65535' };
}

/** `true`/`1` or `false`/`0` (any case). */
export function boolean() {
  return {
    schema: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(['true', 'false', '1', '0']))
      .transform((value) => value === 'true' || value === '1'),
    rule: 'must be true or false',
  };
}

function either(values: readonly string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** One of a few words. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return { schema: z.enum(values), rule: `must be ${either(values)}` };
}

/** A URL whose scheme is one of `protocols` (any when omitted). */
export function url(example: string, protocols?: readonly string[]) {
  return {
    schema: z.string().refine((value) => {
      try {
        const scheme = new URL(value).protocol.replace(/:$/, '');
        return !protocols || protocols.includes(scheme);
      } catch {
        return false;
      }
    }),
    rule: protocols ? `must be a ${protocols.map((p) => `${p}://`).join(' or ')} URL such as ${example}` : `must be a URL such as ${example}`,
  };
}

/** Free text; `minLength` for secrets, `noSpaces` for keys and prefixes. */
export function text({ minLength = 1, noSpaces = false, rule }: { minLength?: number; noSpaces?: boolean; rule?: string } = {}) {
  return {
    schema: z
      .string()
      .min(minLength)
      .refine((value) => !noSpaces || !/\s/.test(value)),
    rule: rule ?? (noSpaces ? 'must not contain spaces' : `must be at least ${minLength} characters`),
  };
}

/** A JSON object. */
export function jsonObject(example: string) {
  return {
    schema: z.string().transform((value, context) => {
      try {
        const parsed: unknown = JSON.parse(value);
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      } catch {
        // reported below
      }
      context.addIssue({ code: 'custom', message: 'not a JSON object' });
      return z.NEVER;
    }),
    rule: `must be a JSON object, e.g. ${example}`,
  };
}

/** A comma-separated list whose every item passes `item` (empty items dropped). */
export function list(item: (value: string) => boolean, rule: string) {
  return {
    schema: z.string().transform((value, context) => {
      const items = value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
      if (!items.every(item)) {
        context.addIssue({ code: 'custom', message: rule });
        return z.NEVER;
      }
      return items;
    }),
    rule,
  };
}

export const ENV_TABLE_START = '<!-- env-table:start (generated by `npm run env-table` from the declarations; do not edit by hand) -->';
export const ENV_TABLE_END = '<!-- env-table:end -->';

function defaultCell(spec: EnvVariable): string {
  if (spec.defaultText) return spec.defaultText;
  if (spec.default !== undefined) return `\`${spec.default}\``;
  return 'unset';
}

/**
 * The README table of every variable of `registries` (one row per name, in declaration order; a name declared twice
 * keeps its first declaration): name and former names, who reads it, default, meaning.
 */
export function renderEnvTable(registries: readonly EnvSpecs[]): string {
  const rows = new Map<string, EnvVariable>();
  for (const specs of registries) for (const [name, spec] of Object.entries(specs)) if (!rows.has(name)) rows.set(name, spec);
  const lines = ['| Variable | Read by | Default | Meaning |', '| --- | --- | --- | --- |'];
  for (const [name, spec] of rows) {
    const former = spec.formerNames?.length ? ` (formerly ${spec.formerNames.map((n) => `\`${n}\``).join(', ')})` : '';
    const meaning = `${spec.description}${spec.secret ? ' (secret: never logged, never shown in a configuration error)' : ''}`;
    lines.push(`| \`${name}\`${former} | ${spec.components.join(', ')} | ${defaultCell(spec)} | ${meaning.replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n');
}

/** `text` with the part between the env-table markers replaced by `table`; throws when a marker is missing. */
export function replaceEnvTable(text: string, table: string): string {
  const start = text.indexOf(ENV_TABLE_START);
  const end = text.indexOf(ENV_TABLE_END);
  if (start < 0 || end < start) throw new Error(`the env-table markers (${ENV_TABLE_START} ... ${ENV_TABLE_END}) are missing`);
  return `${text.slice(0, start + ENV_TABLE_START.length)}\n\n${table}\n\n${text.slice(end)}`;
}
