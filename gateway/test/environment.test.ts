import { afterEach, describe, expect, it, vi } from 'vitest';
import { boolean, ConfigError, defineEnv, loadSubgraphConfig, positiveInt, readEnv, text, url } from '@cmcc/platform';
import { loadGatewayConfig } from '../src/config.ts';
import { loadAuditConfig } from '@cmcc/audit-trail';

// Environment variables: former names, conflicts, every problem at once, secrets never shown, misspelt names (packages/platform/src/env.ts and every loader built on it).

/** The deprecation warnings the loaders emitted while `run` ran (the default warning output is silenced). */
function warningsOf(run: () => void): string[] {
  const emitted: string[] = [];
  const spy = vi.spyOn(process, 'emitWarning').mockImplementation(((warning: string | Error, options?: { code?: string }) => {
    if (typeof options === 'object' && options?.code === 'CMCC_ENV_RENAMED') emitted.push(String(warning));
  }) as typeof process.emitWarning);
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return emitted;
}

function problemsOf(run: () => void): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('the configuration was expected to be refused');
}

afterEach(() => vi.restoreAllMocks());

describe('a renamed variable', () => {
  it('still works under its former name, with one warning naming both names', () => {
    const env = { MAX_BODY_BYTES: '2048', CIRCUIT_OPEN_MS: '2500' };
    let config: ReturnType<typeof loadGatewayConfig> | undefined;
    const warnings = warningsOf(() => {
      config = loadGatewayConfig(env);
    });
    expect(config!.maxBodyBytes).toBe(2048);
    expect(config!.resilience.circuitOpenMs).toBe(2500);
    expect(warnings).toHaveLength(2);
    expect(warnings.find((w) => w.includes('MAX_BODY_BYTES is deprecated'))).toContain('GATEWAY_MAX_BODY_BYTES');
    expect(warnings.find((w) => w.includes('CIRCUIT_OPEN_MS is deprecated'))).toContain('SUBGRAPH_CIRCUIT_OPEN_MS');
  });

  it('warns once per environment, however many loaders read it', () => {
    const env = { RESPONSE_CACHE: 'false' };
    const warnings = warningsOf(() => {
      loadGatewayConfig(env);
      loadGatewayConfig(env);
    });
    expect(warnings).toEqual([expect.stringContaining('RESPONSE_CACHE is deprecated and will be removed: rename it to GATEWAY_RESPONSE_CACHE')]);
  });

  it('is ignored in favour of the new name when both are set to the same value, still with the warning', () => {
    let explorer: string | undefined;
    const warnings = warningsOf(() => {
      explorer = loadGatewayConfig({ EXPLORER: 'off', GATEWAY_EXPLORER: 'off' }).explorer;
    });
    expect(explorer).toBe('off');
    expect(warnings).toHaveLength(1);
  });

  it('refuses to start when the former and the new name are both set to different values', () => {
    const problems = problemsOf(() => loadGatewayConfig({ EXPLORER: 'off', GATEWAY_EXPLORER: 'sandbox' }));
    expect(problems).toEqual(['GATEWAY_EXPLORER and its former name EXPLORER are both set, to different values; keep GATEWAY_EXPLORER only']);
  });

  it('names the variable by the name it was given when its value is wrong', () => {
    let problems: string[] = [];
    const warnings = warningsOf(() => {
      problems = problemsOf(() => loadGatewayConfig({ ADMIN_LOOPBACK: 'perhaps' }));
    });
    expect(warnings).toHaveLength(1);
    expect(problems).toEqual(['ADMIN_LOOPBACK (now GATEWAY_ADMIN_LOOPBACK) must be true or false, got "perhaps"']);
  });
});

describe('validation', () => {
  it('lists every problem of every component at once, one line each', () => {
    const problems = problemsOf(() =>
      loadGatewayConfig({
        GATEWAY_PORT: '70000',
        LOG_LEVEL: 'loud',
        GATEWAY_MAX_DEPTH: '-1',
        SUBGRAPH_RETRIES: '11',
        AUDIT_FAIL_OPEN: 'maybe',
        SCHEMA_REGISTRY_PREFIX: 'has space',
        SUPERGRAPH_SOURCE: 'ftp',
        AUTH_CLAIMS: '[1]',
        SHUTDOWN_GRACE_MS: 'soon',
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'GATEWAY_PORT must be a port number from 0 to 65535, got "70000"',
        'LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent, got "loud"',
        'GATEWAY_MAX_DEPTH must be a positive whole number, got "-1"',
        'SUBGRAPH_RETRIES must be a whole number from 0 to 10, got "11"',
        'AUDIT_FAIL_OPEN must be true or false, got "maybe"',
        'SCHEMA_REGISTRY_PREFIX must not contain spaces, got "has space"',
        'SUPERGRAPH_SOURCE must be registry or file, got "ftp"',
        expect.stringMatching(/^AUTH_CLAIMS must be a JSON object/),
        'SHUTDOWN_GRACE_MS must be a whole number of milliseconds from 0 to 600000, got "soon"',
      ]),
    );
    expect(problems).toHaveLength(9);
  });

  it('reports a variable read by several loaders once (REDIS_URL: audit trail, caches, schema registry)', () => {
    const problems = problemsOf(() => loadGatewayConfig({ REDIS_URL: 'http://redis:6379' }));
    expect(problems.filter((p) => p.startsWith('REDIS_URL'))).toHaveLength(1);
  });

  it('never shows the value of a secret, under its name or its former name', () => {
    const secrets = {
      SUBGRAPH_SHARED_SECRET: 'too-short-shared-secret',
      METRICS_TOKEN: 'tiny-token',
      AUDIT_SIGNING_KEY: 'short-signing-key',
      REDIS_URL: 'http://admin:hunter2-redis-password@redis:6379',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization',
    };
    const gatewayProblems = problemsOf(() => loadGatewayConfig(secrets));
    const subgraphProblems = problemsOf(() => loadSubgraphConfig('security', 4003, { DATABASE_URL: 'mysql://root:hunter2-db-password@db/x', METRICS_TOKEN: 'tiny-token' }));
    const auditProblems = problemsOf(() => loadAuditConfig({ AUDIT_SIGNING_KEY: 'short-signing-key' }));
    const message = [...gatewayProblems, ...subgraphProblems, ...auditProblems].join('\n');
    expect(gatewayProblems).toHaveLength(5);
    expect(subgraphProblems).toHaveLength(2);
    for (const value of [...Object.values(secrets), 'hunter2', 'mysql://root']) expect(message).not.toContain(value);
    expect(message).toContain('SUBGRAPH_SHARED_SECRET must be at least 32 characters');
    expect(message).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL');

    const declared = defineEnv({ NEW_TOKEN: { description: 'a token', components: ['test'], secret: true, formerNames: ['OLD_TOKEN'], ...text({ minLength: 20 }) } });
    const problems: string[] = [];
    warningsOf(() => readEnv({ OLD_TOKEN: 'short-old-token' }, declared, problems));
    expect(problems).toEqual(['OLD_TOKEN (now NEW_TOKEN) must be at least 20 characters']);
    readEnv({ OLD_TOKEN: 'first-long-enough-token-value', NEW_TOKEN: 'second-long-enough-token-value' }, declared, problems);
    expect(problems[1]).toBe('NEW_TOKEN and its former name OLD_TOKEN are both set, to different values; keep NEW_TOKEN only');
  });
});

describe('a variable with a component prefix that is declared nowhere', () => {
  it('is named in a warning (never its value), so a misspelt setting does not silently keep its default', () => {
    const emitted: string[] = [];
    vi.spyOn(process, 'emitWarning').mockImplementation(((warning: string, options?: { code?: string }) => {
      if (options?.code === 'CMCC_ENV_UNKNOWN') emitted.push(warning);
    }) as typeof process.emitWarning);
    loadGatewayConfig({
      GATEWAY_MAX_DEPHT: '3',
      AUDIT_SINKK: 'secret-looking-value',
      SUBGRAPH_SECURITY_URL: 'http://security:4003/graphql',
      SUBGRAPH_SECURITY_TIMEOUT_MS: '100',
      EXPLORER: 'off',
      HOME: '/home/x',
    });
    expect(emitted).toEqual([expect.stringMatching(/^AUDIT_SINKK is not a setting/), expect.stringMatching(/^GATEWAY_MAX_DEPHT is not a setting/)]);
    expect(emitted.join('\n')).not.toContain('secret-looking-value');
  });
});

describe('readEnv', () => {
  const declared = defineEnv({
    SIZE: { description: 'a size', components: ['test'], default: '5', ...positiveInt() },
    ON: { description: 'a switch', components: ['test'], default: 'false', ...boolean() },
    TARGET: { description: 'a URL', components: ['test'], ...url('http://x:1') },
  });

  it('applies defaults through the schema, treats an empty value as unset, and converts the value', () => {
    expect(readEnv({ SIZE: '', ON: 'TRUE' }, declared, [])).toEqual({ SIZE: 5, ON: true, TARGET: undefined });
  });

  it('falls back to the default of an invalid value so later checks still run, and reports it', () => {
    const problems: string[] = [];
    expect(readEnv({ SIZE: '2.5', TARGET: 'nowhere' }, declared, problems)).toEqual({ SIZE: 5, ON: false, TARGET: undefined });
    expect(problems).toEqual(['SIZE must be a positive whole number, got "2.5"', 'TARGET must be a URL such as http://x:1, got "nowhere"']);
  });
});
