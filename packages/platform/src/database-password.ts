import fs from 'node:fs';
import { defineEnv, text } from './env.ts';

/** The Postgres password as a file (Docker and Kubernetes secrets), so that `DATABASE_URL` itself holds none. */
export const DATABASE_PASSWORD_ENV = defineEnv({
  DATABASE_PASSWORD_FILE: {
    description:
      'a file holding the Postgres password (a Docker or Kubernetes secret, e.g. the one `POSTGRES_PASSWORD_FILE` names), put into `DATABASE_URL`, which must then have none; one trailing newline is ignored',
    components: ['subgraphs'],
    defaultText: 'unset (the password, if any, is in `DATABASE_URL`)',
    ...text(),
  },
});

/** `databaseUrl` with the password read from `passwordFile`; a problem (never the password) when that cannot be done. */
export function withDatabasePassword(databaseUrl: string | undefined, passwordFile: string | undefined, problems: string[]): string | undefined {
  if (passwordFile === undefined) return databaseUrl;
  if (databaseUrl === undefined) {
    problems.push('DATABASE_PASSWORD_FILE is set but DATABASE_URL is not: set DATABASE_URL without a password, e.g. postgres://cmcc@postgres:5432/cmcc');
    return undefined;
  }
  const url = new URL(databaseUrl);
  if (url.password) {
    problems.push('DATABASE_URL already has a password and DATABASE_PASSWORD_FILE is set: keep the password in one place (remove it from DATABASE_URL)');
    return databaseUrl;
  }
  let password: string;
  try {
    password = fs.readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    problems.push(`DATABASE_PASSWORD_FILE ${passwordFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return databaseUrl;
  }
  if (!password) {
    problems.push(`DATABASE_PASSWORD_FILE ${passwordFile} is empty`);
    return databaseUrl;
  }
  url.password = encodeURIComponent(password);
  return url.href;
}
