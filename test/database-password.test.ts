import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadSubgraphConfig } from '@cmcc/platform';

// docker-compose.yml gives Postgres its password as a secret file (POSTGRES_PASSWORD_FILE) and the subgraphs the same
// file as DATABASE_PASSWORD_FILE beside a DATABASE_URL without a password. The oracle is node-postgres itself: the
// password it would send is the file's content.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-database-password-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function secretFile(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadSubgraphConfig('security', 4003, env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

describe('the Postgres password from a file (DATABASE_PASSWORD_FILE)', () => {
  it('is what node-postgres sends, whatever characters it has, without the trailing newline a secret file ends with', () => {
    const password = 'p@ss:w/o rd%#?é';
    const file = secretFile('password', `${password}\n`);
    const config = loadSubgraphConfig('security', 4003, { DATABASE_URL: 'postgres://cmcc@postgres:5432/cmcc', DATABASE_PASSWORD_FILE: file });
    const client = new pg.Client({ connectionString: config.databaseUrl });
    expect(client.password).toBe(password);
    expect(client.user).toBe('cmcc');
    expect(client.host).toBe('postgres');
    expect(client.database).toBe('cmcc');
  });

  it('leaves DATABASE_URL as it is when unset', () => {
    expect(loadSubgraphConfig('security', 4003, { DATABASE_URL: 'postgres://cmcc:inline@postgres:5432/cmcc' }).databaseUrl).toBe('postgres://cmcc:inline@postgres:5432/cmcc');
  });

  it('refuses a second password, a missing DATABASE_URL, an unreadable or empty file, never showing a password', () => {
    const file = secretFile('other', 'from-the-file');
    const twice = problemsOf({ DATABASE_URL: 'postgres://cmcc:inline-secret@postgres:5432/cmcc', DATABASE_PASSWORD_FILE: file });
    expect(twice).toHaveLength(1);
    expect(twice[0]).toContain('already has a password');
    expect(problemsOf({ DATABASE_PASSWORD_FILE: file })[0]).toContain('DATABASE_URL is not');
    expect(problemsOf({ DATABASE_URL: 'postgres://cmcc@postgres:5432/cmcc', DATABASE_PASSWORD_FILE: path.join(dir, 'missing') })[0]).toContain('cannot be read (ENOENT)');
    expect(problemsOf({ DATABASE_URL: 'postgres://cmcc@postgres:5432/cmcc', DATABASE_PASSWORD_FILE: secretFile('empty', '\n') })[0]).toContain('is empty');
    for (const problem of [...twice]) {
      expect(problem).not.toContain('inline-secret');
      expect(problem).not.toContain('from-the-file');
    }
  });
});
