import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { ConfigError } from '@cmcc/platform';
import { loadGatewayConfig } from '../src/config.ts';

// Issue 18: production refuses development keys unless explicitly allowed. The oracle is the rule's text: under
// NODE_ENV=production, no identity provider (the development signing key would be trusted) or no SUBGRAPH_SHARED_SECRET
// (a generated one) stops the start, and AUTH_ALLOW_DEVELOPMENT_KEYS=true is the only way past it.
const SECRET = 'a-shared-secret-of-at-least-thirty-two-characters';
const IDP = { AUTH_JWKS_URL: 'https://idp.example/realms/cmcc/protocol/openid-connect/certs', AUTH_ISSUER: 'https://idp.example/realms/cmcc', AUTH_AUDIENCE: 'cmcc' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadGatewayConfig(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

describe('a production gateway and development keys', () => {
  it('refuses to start without an identity provider, naming the override', () => {
    const problems = problemsOf({ NODE_ENV: 'production', SUBGRAPH_SHARED_SECRET: SECRET });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('development signing key');
    expect(problems[0]).toContain('AUTH_ALLOW_DEVELOPMENT_KEYS=true');
  });

  it('refuses to start with a generated shared secret', () => {
    const problems = problemsOf({ NODE_ENV: 'production', ...IDP });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('SUBGRAPH_SHARED_SECRET');
    expect(problems[0]).not.toContain(SECRET);
  });

  it('starts with an identity provider and a shared secret, or when development keys are explicitly allowed', () => {
    expect(problemsOf({ NODE_ENV: 'production', SUBGRAPH_SHARED_SECRET: SECRET, ...IDP })).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'production', AUTH_ALLOW_DEVELOPMENT_KEYS: 'true' })).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'production', AUTH_ALLOW_DEVELOPMENT_KEYS: 'false' })).toHaveLength(2);
  });

  it('leaves development (no NODE_ENV) as it is: npm start trusts its own key', () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'development' })).toEqual([]);
  });

  it('exits non-zero before listening when the process is started that way, saying why', { timeout: 60_000 }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-production-keys-'));
    const {
      NODE_OPTIONS: _options,
      AUTH_ALLOW_DEVELOPMENT_KEYS: _allow,
      AUTH_JWKS_URL: _jwks,
      AUTH_PUBLIC_KEY_FILE: _file,
      SUBGRAPH_SHARED_SECRET: _secret,
      ...inherited
    } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('gateway', 'src', 'index.ts')], {
      cwd: PROJECT_ROOT,
      env: { ...inherited, NODE_ENV: 'production', GATEWAY_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(output).toContain('AUTH_ALLOW_DEVELOPMENT_KEYS=true');
    expect(output).not.toContain('gateway listening');
    // Nothing was generated: no development key, no shared secret.
    expect(fs.existsSync(path.join(dataDir, 'auth'))).toBe(false);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
