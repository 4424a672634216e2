import fs from 'node:fs';
import { defineEnv, oneOf, positiveInt, text, wholeNumber, type Env } from './env.ts';

/** Whether a subgraph writes the synthetic demonstration data on start (`SEED`). */
export type SeedMode = 'synthetic' | 'none';
export const SEED_MODES = ['synthetic', 'none'] as const;

/**
 * TLS to Postgres: `verify` checks the server's certificate chain (against `ca`, else the system's trusted authorities)
 * and its host name; without it the connection is encrypted but the server is not authenticated.
 */
export interface PostgresTls {
  readonly verify: boolean;
  /** PEM certificates of the authorities that sign the server's certificate (`DATABASE_SSL_CA`). */
  readonly ca?: string;
}

/** How a subgraph uses its Postgres server (none of it applies to the embedded database). */
export interface PostgresSettings {
  /** Most connections the subgraph's pool opens. */
  readonly poolMax: number;
  /** Postgres cancels a statement running longer than this; 0 means no limit. */
  readonly statementTimeoutMs: number;
  /** `false`: plain TCP; absent: as `DATABASE_URL`'s own `sslmode` says (plain TCP when it says nothing). */
  readonly tls?: PostgresTls | false;
}

export const DEFAULT_POSTGRES_SETTINGS: PostgresSettings = Object.freeze({ poolMax: 10, statementTimeoutMs: 30_000 });

const DATABASE = ['subgraphs', '`npm run import`'];

/** A subgraph's Postgres pool, statement timeout and TLS, and its seed. */
export const DATABASE_ENV = defineEnv({
  DATABASE_POOL_MAX: {
    description: "most Postgres connections one subgraph process opens (with `DATABASE_URL`); size it so replicas × this stays under the server's `max_connections`",
    components: DATABASE,
    default: String(DEFAULT_POSTGRES_SETTINGS.poolMax),
    ...positiveInt(1000),
  },
  DATABASE_STATEMENT_TIMEOUT_MS: {
    description:
      'Postgres cancels a statement of the subgraph running longer than this (the request fails with `SERVICE_UNAVAILABLE`, nothing is written); `0`: no limit. Migrations and the seed run without it',
    components: DATABASE,
    default: String(DEFAULT_POSTGRES_SETTINGS.statementTimeoutMs),
    ...wholeNumber({ max: 3_600_000 }),
    rule: 'must be a whole number of milliseconds from 0 (no limit) to 3600000',
  },
  DATABASE_SSL: {
    description:
      'TLS to Postgres: `disable`; `require` (encrypted, server not authenticated); `verify-full` (encrypted, the certificate must chain to `DATABASE_SSL_CA` or a system authority and name the host)',
    components: DATABASE,
    defaultText: "as `DATABASE_URL`'s `sslmode`, else `disable`",
    ...oneOf(['disable', 'require', 'verify-full']),
  },
  DATABASE_SSL_CA: {
    description: 'PEM file of the authorities that sign the Postgres server certificate, with `DATABASE_SSL=verify-full`',
    components: DATABASE,
    defaultText: "the system's trusted authorities",
    ...text(),
  },
  SEED: {
    description:
      '`synthetic`: write the synthetic demonstration data (and the public reference figures it comes with) once, on first start; `none`: tables start empty (data comes from `npm run import` and mutations)',
    components: ['subgraphs', '`npm run import`'],
    defaultText: '`synthetic` on the embedded database, `none` with `DATABASE_URL`',
    ...oneOf(SEED_MODES),
  },
});

/** `DATABASE_URL` query parameters that choose TLS, which `DATABASE_SSL` would contradict. */
const URL_TLS_PARAMETERS = ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey', 'uselibpqcompat'];

const isSet = (env: Env, name: string) => env[name] !== undefined && env[name] !== '';

/**
 * The Postgres settings and seed mode from values `readEnv` already validated, with the checks that span variables:
 * Postgres-only settings without `DATABASE_URL`, a CA without `verify-full`, TLS chosen both in the URL and by
 * `DATABASE_SSL`, a CA file that cannot be read.
 */
export function parseDatabaseConfig(
  env: Env,
  values: { DATABASE_URL: string | undefined; DATABASE_POOL_MAX: number; DATABASE_STATEMENT_TIMEOUT_MS: number; DATABASE_SSL?: string; DATABASE_SSL_CA?: string; SEED?: SeedMode },
  problems: string[],
): { postgres: PostgresSettings; seed: SeedMode } {
  const databaseUrl = values.DATABASE_URL;
  if (!databaseUrl) {
    for (const name of ['DATABASE_POOL_MAX', 'DATABASE_STATEMENT_TIMEOUT_MS', 'DATABASE_SSL', 'DATABASE_SSL_CA']) {
      if (isSet(env, name)) problems.push(`${name} applies to Postgres only, but DATABASE_URL is unset (the embedded database is used): set DATABASE_URL or unset ${name}`);
    }
  }
  let tls: PostgresTls | false | undefined;
  if (values.DATABASE_SSL === 'disable') tls = false;
  if (values.DATABASE_SSL === 'require') tls = { verify: false };
  if (values.DATABASE_SSL === 'verify-full') tls = { verify: true, ca: values.DATABASE_SSL_CA ? readCa(values.DATABASE_SSL_CA, problems) : undefined };
  if (values.DATABASE_SSL_CA && values.DATABASE_SSL !== 'verify-full') {
    problems.push('DATABASE_SSL_CA is used only with DATABASE_SSL=verify-full: set DATABASE_SSL=verify-full or unset DATABASE_SSL_CA');
  }
  if (values.DATABASE_SSL && databaseUrl) {
    const inUrl = URL_TLS_PARAMETERS.filter((name) => new URL(databaseUrl).searchParams.has(name));
    if (inUrl.length > 0)
      problems.push(`DATABASE_URL sets ${inUrl.join(', ')} and DATABASE_SSL is set too: choose TLS in one place (remove ${inUrl.join(', ')} from DATABASE_URL)`);
  }
  return {
    postgres: Object.freeze({ poolMax: values.DATABASE_POOL_MAX, statementTimeoutMs: values.DATABASE_STATEMENT_TIMEOUT_MS, ...(tls === undefined ? {} : { tls }) }),
    seed: values.SEED ?? (databaseUrl ? 'none' : 'synthetic'),
  };
}

function readCa(file: string, problems: string[]): string | undefined {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`DATABASE_SSL_CA names a file that cannot be read: ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return undefined;
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    problems.push(`DATABASE_SSL_CA must be a PEM file of certificates (-----BEGIN CERTIFICATE-----), got ${file}`);
    return undefined;
  }
  return pem;
}
