import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, parseLogLevel, parsePort, parsePositiveInt, parseSharedSecret, type Env } from '@cmcc/platform';
import { DEFAULT_CLAIM_MAPPING, type ClaimMapping } from './auth/claims.ts';
import type { PolicyRule } from './authorization/requirements.ts';
import { parseAuditConfig, type AuditConfig } from '@cmcc/audit-trail';
import { parseSupergraphSource, type SupergraphSourceConfig } from './registry-config.ts';
import { parseResilienceConfig, type ResilienceConfig } from './resilience/config.ts';
import { parseObservabilityConfig, type ObservabilityConfig } from '@cmcc/platform';
import { parsePerformanceConfig, type PerformanceConfig } from './performance-config.ts';
import type { AdminAccess } from './admin-access.ts';

/** How the gateway authenticates callers. */
export interface AuthConfig {
  /** The identity provider's JWKS endpoint (e.g. Keycloak's .../protocol/openid-connect/certs). */
  readonly jwksUrl: string | undefined;
  /** A PEM public key or a JWKS JSON file, instead of a JWKS URL. */
  readonly publicKeyFile: string | undefined;
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
  readonly algorithms: string[];
  readonly clockSkewSeconds: number;
  readonly claims: ClaimMapping;
  /** Hashed API keys of service accounts. */
  readonly apiKeysFile: string;
}

/** The gateway's settings, parsed once from the environment and frozen. */
export interface GatewayConfig {
  readonly host: string;
  readonly port: number;
  /** The composed supergraph the gateway serves; watched and reloaded when it changes. */
  readonly supergraphPath: string;
  /** How often the supergraph file is checked for changes, in milliseconds. */
  readonly supergraphPollMs: number;
  /** Registry or file (SUPERGRAPH_SOURCE), the schema registry, its poll interval and the gateway's disk cache. */
  readonly supergraphSource: SupergraphSourceConfig;
  /** Routing URLs that replace the ones in the supergraph, by subgraph name (from `SUBGRAPH_<NAME>_URL`). */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  /** Per-subgraph request timeout, in milliseconds. */
  readonly subgraphTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly logLevel: string;
  /** Embedded data (development signing key, shared secret, API keys) lives under this folder. */
  readonly dataDir: string;
  readonly auth: AuthConfig;
  /** Secret shared with the subgraphs to sign the forwarded principal; unset means a generated development secret. */
  readonly sharedSecret: string | undefined;
  /** `filter` (default): unauthorized fields come back null with an error; `reject`: the whole operation is refused. */
  readonly authorizationMode: 'filter' | 'reject';
  /** Named policies for `@policy`, from AUTH_POLICIES (JSON), merged over the defaults. */
  readonly policies: Readonly<Record<string, PolicyRule>>;
  /** The audit trail: sink (JSONL file, or Redis stream with REDIS_URL), signing key, buffer, redaction (AUDIT_*). */
  readonly audit: AuditConfig;
  /**
   * What `GET /` serves: `graphiql` (default), the IDE bundled into the gateway that loads nothing from elsewhere;
   * `sandbox`, Apollo's embedded Sandbox, loaded from Apollo's CDN (networks with internet access only); `off`, nothing.
   */
  readonly explorer: ExplorerMode;
  /** Per-subgraph timeouts, query retries within a budget, circuit breakers (SUBGRAPH_*_TIMEOUT_MS, SUBGRAPH_RETRY_*, CIRCUIT_*). */
  readonly resilience: ResilienceConfig;
  /** /metrics, tracing and shutdown (METRICS_TOKEN, OTEL_*, SHUTDOWN_GRACE_MS). */
  readonly observability: ObservabilityConfig;
  /** Response cache, persisted operations and safelist, operation limits, subgraph transport, plan cache. */
  readonly performance: PerformanceConfig;
  /** Who may read /metrics and /explorer/operations.json (METRICS_TOKEN, ADMIN_LOOPBACK, NODE_ENV). */
  readonly adminAccess: AdminAccess;
}

export const EXPLORER_MODES = ['graphiql', 'sandbox', 'off'] as const;
export type ExplorerMode = (typeof EXPLORER_MODES)[number];

/**
 * Default policies. `sensitive-location`: exact coordinates of incidents, sites and hazards go only to principals
 * acting for a nation and cleared RESTRICTED or higher (not to partner organisations without a nation clearance).
 */
export const DEFAULT_POLICIES: Readonly<Record<string, PolicyRule>> = Object.freeze({
  'sensitive-location': { minClearance: 'RESTRICTED', requireNation: true },
});

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

function parseAuth(env: Env, dataDir: string, problems: string[]): AuthConfig {
  const algorithms = (env.AUTH_ALGORITHMS || 'RS256,ES256,PS256,EdDSA').split(',').map((a) => a.trim());
  for (const algorithm of algorithms) {
    if (!ALGORITHMS.includes(algorithm)) problems.push(`AUTH_ALGORITHMS may list only ${ALGORITHMS.join(', ')} (asymmetric algorithms); got "${algorithm}"`);
  }
  let claims = DEFAULT_CLAIM_MAPPING;
  if (env.AUTH_CLAIMS) {
    try {
      claims = { ...DEFAULT_CLAIM_MAPPING, ...(JSON.parse(env.AUTH_CLAIMS) as Partial<ClaimMapping>) };
    } catch {
      problems.push('AUTH_CLAIMS must be JSON, e.g. {"roles":"realm_access.roles","organization":"org_id"}');
    }
  }
  const external = Boolean(env.AUTH_JWKS_URL || env.AUTH_PUBLIC_KEY_FILE);
  if (external && (!env.AUTH_ISSUER || !env.AUTH_AUDIENCE)) problems.push('AUTH_ISSUER and AUTH_AUDIENCE are required with AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE');
  if (env.AUTH_JWKS_URL) {
    try {
      new URL(env.AUTH_JWKS_URL);
    } catch {
      problems.push(`AUTH_JWKS_URL must be a URL, got "${env.AUTH_JWKS_URL}"`);
    }
  }
  if (env.AUTH_PUBLIC_KEY_FILE && !fs.existsSync(env.AUTH_PUBLIC_KEY_FILE)) problems.push(`AUTH_PUBLIC_KEY_FILE ${env.AUTH_PUBLIC_KEY_FILE} does not exist`);
  const skew = Number(env.AUTH_CLOCK_SKEW_SECONDS ?? 30);
  if (!Number.isInteger(skew) || skew < 0 || skew > 300) problems.push('AUTH_CLOCK_SKEW_SECONDS must be a whole number of seconds from 0 to 300');
  return Object.freeze({
    jwksUrl: env.AUTH_JWKS_URL || undefined,
    publicKeyFile: env.AUTH_PUBLIC_KEY_FILE || undefined,
    issuer: env.AUTH_ISSUER || undefined,
    audience: env.AUTH_AUDIENCE || undefined,
    algorithms,
    clockSkewSeconds: skew,
    claims: Object.freeze(claims),
    apiKeysFile: path.resolve(env.API_KEYS_FILE || path.join(dataDir, 'auth', 'api-keys.json')),
  });
}

/** `SUBGRAPH_CIVIL_ADMINISTRATION_URL` → `civil-administration`. */
function subgraphUrlOverrides(env: Env, problems: string[]): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [variable, value] of Object.entries(env)) {
    const match = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(variable);
    if (!match || !value) continue;
    try {
      new URL(value);
    } catch {
      problems.push(`${variable} must be a URL such as http://security:4003/graphql, got "${value}"`);
      continue;
    }
    urls[match[1].toLowerCase().replace(/_/g, '-')] = value;
  }
  return urls;
}

function parseMode(value: string | undefined, problems: string[]): 'filter' | 'reject' {
  const mode = value || 'filter';
  if (mode !== 'filter' && mode !== 'reject') problems.push(`AUTHORIZATION_MODE must be filter or reject, got "${mode}"`);
  return mode === 'reject' ? 'reject' : 'filter';
}

function parsePolicies(value: string | undefined, problems: string[]): Readonly<Record<string, PolicyRule>> {
  if (!value) return DEFAULT_POLICIES;
  try {
    return Object.freeze({ ...DEFAULT_POLICIES, ...(JSON.parse(value) as Record<string, PolicyRule>) });
  } catch {
    problems.push('AUTH_POLICIES must be JSON, e.g. {"isr-analyst":{"minClearance":"SECRET","anyRole":["analyst"]}}');
    return DEFAULT_POLICIES;
  }
}

function parseAdminAccess(env: Env, token: string | undefined, problems: string[]): AdminAccess {
  const production = env.NODE_ENV === 'production';
  const value = env.ADMIN_LOOPBACK;
  let openOnLoopback = !production;
  if (value === 'true' || value === '1') openOnLoopback = true;
  else if (value === 'false' || value === '0') openOnLoopback = false;
  else if (value !== undefined && value !== '') problems.push(`ADMIN_LOOPBACK must be true or false, got "${value}"`);
  return Object.freeze({ token, openOnLoopback });
}

function parseExplorer(value: string | undefined, problems: string[]): ExplorerMode {
  const mode = value || 'graphiql';
  if ((EXPLORER_MODES as readonly string[]).includes(mode)) return mode as ExplorerMode;
  problems.push(`EXPLORER must be ${EXPLORER_MODES.join(', ')}, got "${mode}"`);
  return 'graphiql';
}

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  const problems: string[] = [];
  const dataDir = path.resolve(env.DATA_DIR || 'data');
  const resilience = parseResilienceConfig(env, problems);
  const observability = parseObservabilityConfig(env, problems, 'gateway');
  const config: GatewayConfig = {
    host: env.HOST || '0.0.0.0',
    port: parsePort(env.GATEWAY_PORT, 4000, 'GATEWAY_PORT', problems),
    supergraphPath: path.resolve(env.SUPERGRAPH_PATH || 'schema/supergraph.graphql'),
    supergraphPollMs: parsePositiveInt(env.SUPERGRAPH_POLL_MS, 1000, 'SUPERGRAPH_POLL_MS', problems),
    supergraphSource: parseSupergraphSource(env, dataDir, problems),
    subgraphUrls: Object.freeze(subgraphUrlOverrides(env, problems)),
    subgraphTimeoutMs: resilience.defaultTimeoutMs,
    maxBodyBytes: parsePositiveInt(env.MAX_BODY_BYTES, 1_000_000, 'MAX_BODY_BYTES', problems),
    logLevel: parseLogLevel(env.LOG_LEVEL, problems),
    dataDir,
    auth: parseAuth(env, dataDir, problems),
    sharedSecret: parseSharedSecret(env.SUBGRAPH_SHARED_SECRET, problems),
    authorizationMode: parseMode(env.AUTHORIZATION_MODE, problems),
    policies: parsePolicies(env.AUTH_POLICIES, problems),
    audit: parseAuditConfig(env, dataDir, problems),
    explorer: parseExplorer(env.EXPLORER, problems),
    resilience,
    observability,
    performance: parsePerformanceConfig(env, problems),
    adminAccess: parseAdminAccess(env, observability.metricsToken, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
