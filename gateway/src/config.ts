import fs from 'node:fs';
import path from 'node:path';
import {
  boolean,
  ConfigError,
  defineEnv,
  OBSERVABILITY_ENV,
  REDIS_ENV,
  SERVICE_ENV,
  SUBGRAPH_ENV,
  DATABASE_PASSWORD_ENV,
  type EnvSpecs,
  jsonObject,
  list,
  oneOf,
  parseServiceEnv,
  port,
  positiveInt,
  readEnv,
  readEnvFamily,
  text,
  url,
  warnUndeclared,
  wholeNumber,
  type Env,
  parseObservabilityConfig,
  type ObservabilityConfig,
  readRedisUrl,
} from '@cmcc/platform';
import type { RateLimitConfig } from './limits/rate-limit.ts';
import { DEFAULT_CLAIM_MAPPING, type ClaimMapping } from './auth/claims.ts';
import type { AuthConfig } from './auth/config.ts';
import { developmentKeyProblems } from './auth/production-guard.ts';
import type { PolicyRule } from './authorization/requirements.ts';
import { AUDIT_ALERT_ENV, AUDIT_ENV, parseAuditConfig, type AuditConfig } from '@cmcc/audit-trail';
import { SCHEMA_ENV } from '@cmcc/governance/config';
import { parseSupergraphSource, SUPERGRAPH_ENV, type SupergraphSourceConfig } from './registry-config.ts';
import { parseResilienceConfig, RESILIENCE_ENV, type ResilienceConfig } from './resilience/config.ts';
import { parsePerformanceConfig, PERFORMANCE_ENV, type PerformanceConfig } from './performance-config.ts';
import type { AdminAccess } from './admin-access.ts';
import { CORS_ENV, parseCorsConfig, type CorsConfig } from './cors.ts';
import { parseSubscriptionConfig, SUBSCRIPTIONS_ENV, type SubscriptionConfig } from './subscriptions/config.ts';

export type { AuthConfig } from './auth/config.ts';

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
  /** GraphQL requests per principal per window (GATEWAY_RATE_LIMIT*), counted in Redis when REDIS_URL is set. */
  readonly rateLimit: RateLimitConfig;
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
  /** Per-subgraph timeouts, query retries within a budget, circuit breakers (SUBGRAPH_*_TIMEOUT_MS, SUBGRAPH_RETRY_*, SUBGRAPH_CIRCUIT_*). */
  readonly resilience: ResilienceConfig;
  /** /metrics, tracing and shutdown (METRICS_TOKEN, OTEL_*, SHUTDOWN_GRACE_MS). */
  readonly observability: ObservabilityConfig;
  /** Response cache, persisted operations and safelist, operation limits, subgraph transport, plan cache. */
  readonly performance: PerformanceConfig;
  /** Who may read /metrics and /explorer/operations.json (METRICS_TOKEN, GATEWAY_ADMIN_LOOPBACK, NODE_ENV). */
  readonly adminAccess: AdminAccess;
  /** Which other origins' browser pages may call the gateway (GATEWAY_CORS_*); no origin: CORS off (gateway/src/cors.ts). */
  readonly cors: CorsConfig;
  /** Limits of live subscriptions over WebSocket and SSE (GATEWAY_SUBSCRIPTIONS_*: gateway/src/subscriptions/). */
  readonly subscriptions: SubscriptionConfig;
  /**
   * Whether the browser apps' role picker may mint development tokens (`/auth/dev/*`, loopback callers only): when the
   * gateway trusts the development key (no AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE) and NODE_ENV is not `production`.
   */
  readonly devSignIn: boolean;
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

const GATEWAY = ['gateway'];

/** The gateway's own variables (its HTTP side, explorer, admin access, authorization mode). */
export const GATEWAY_ENV = defineEnv({
  GATEWAY_PORT: { description: 'HTTP port of the gateway', components: GATEWAY, default: '4000', ...port() },
  GATEWAY_RATE_LIMIT: {
    description:
      'GraphQL requests (over HTTP) one principal may send per window, on all replicas together when `REDIS_URL` is set (each replica on its own while Redis is away); above it, HTTP 429 with Retry-After; 0: no limit',
    components: GATEWAY,
    default: '0',
    ...wholeNumber(),
  },
  GATEWAY_RATE_LIMIT_WINDOW_SECONDS: { description: 'the window of `GATEWAY_RATE_LIMIT`, in seconds', components: GATEWAY, default: '60', ...positiveInt(86_400) },
  GATEWAY_MAX_BODY_BYTES: { description: 'largest accepted request body (413 above)', components: GATEWAY, default: '1000000', formerNames: ['MAX_BODY_BYTES'], ...positiveInt() },
  GATEWAY_EXPLORER: {
    description: "what `GET /` serves: `graphiql`, the bundled explorer that works offline; `sandbox`, Apollo Sandbox (loads from Apollo's CDN); `off`, nothing",
    components: GATEWAY,
    default: 'graphiql',
    formerNames: ['EXPLORER'],
    ...oneOf(EXPLORER_MODES),
  },
  GATEWAY_ADMIN_LOOPBACK: {
    description: 'without `METRICS_TOKEN`, whether loopback callers may read `/metrics` and `/explorer/operations.json`',
    components: GATEWAY,
    defaultText: '`true` (`false` under `NODE_ENV=production`)',
    formerNames: ['ADMIN_LOOPBACK'],
    ...boolean(),
  },
  GATEWAY_AUTHORIZATION_MODE: {
    description: '`filter`: unauthorized fields are null with an error; `reject`: the operation is refused',
    components: GATEWAY,
    default: 'filter',
    formerNames: ['AUTHORIZATION_MODE'],
    ...oneOf(['filter', 'reject']),
  },
  NODE_ENV: {
    description:
      '`production` closes `/metrics` and `/explorer/operations.json` to loopback callers without a token (see `GATEWAY_ADMIN_LOOPBACK`) and refuses development keys (see `AUTH_ALLOW_DEVELOPMENT_KEYS`)',
    components: GATEWAY,
    ...text(),
  },
  'SUBGRAPH_<NAME>_URL': {
    description: 'routing URL override per subgraph, e.g. `SUBGRAPH_CIVIL_ADMINISTRATION_URL=http://civil-administration:4001/graphql`',
    components: GATEWAY,
    defaultText: 'URL in the supergraph',
    pattern: /^SUBGRAPH_([A-Z0-9_]+)_URL$/,
    ...url('http://security:4003/graphql'),
  },
});

/** How the gateway authenticates callers and which policies `@policy` names. */
export const AUTH_ENV = defineEnv({
  AUTH_JWKS_URL: {
    description: "the identity provider's JWKS endpoint (e.g. Keycloak's `.../protocol/openid-connect/certs`); see [docs/security.md](docs/security.md)",
    components: GATEWAY,
    defaultText: 'development key',
    ...url('https://idp.example/realms/cmcc/protocol/openid-connect/certs'),
  },
  AUTH_PUBLIC_KEY_FILE: { description: 'a PEM public key or a JWKS JSON file, instead of `AUTH_JWKS_URL`', components: GATEWAY, ...text() },
  AUTH_ISSUER: { description: 'expected `iss` of tokens (required with `AUTH_JWKS_URL` or `AUTH_PUBLIC_KEY_FILE`)', components: GATEWAY, ...text() },
  AUTH_AUDIENCE: { description: 'expected `aud` of tokens (required with `AUTH_JWKS_URL` or `AUTH_PUBLIC_KEY_FILE`)', components: GATEWAY, ...text() },
  AUTH_ALGORITHMS: {
    description: 'accepted token signature algorithms (asymmetric only)',
    components: GATEWAY,
    default: 'RS256,ES256,PS256,EdDSA',
    ...list((algorithm) => ALGORITHMS.includes(algorithm), `may list only ${ALGORITHMS.join(', ')} (asymmetric algorithms)`),
  },
  AUTH_CLOCK_SKEW_SECONDS: {
    description: 'tolerated clock difference when checking `exp` and `nbf`',
    components: GATEWAY,
    default: '30',
    ...wholeNumber({ max: 300 }),
    rule: 'must be a whole number of seconds from 0 to 300',
  },
  AUTH_CLAIMS: {
    description: 'JSON mapping of principal attributes to token claims, merged over the defaults; see [docs/security.md](docs/security.md)',
    components: GATEWAY,
    ...jsonObject('{"roles":"realm_access.roles","organization":"org_id"}'),
  },
  AUTH_POLICIES: {
    description: 'JSON rules for `@policy` names, merged over the defaults',
    components: GATEWAY,
    defaultText: '`sensitive-location`',
    ...jsonObject('{"isr-analyst":{"minClearance":"SECRET","anyRole":["analyst"]}}'),
  },
  AUTH_API_KEYS_FILE: {
    description: 'hashed API keys of service accounts (`npm run apikey`)',
    components: [...GATEWAY, '`npm run apikey`'],
    defaultText: '`<DATA_DIR>/auth/api-keys.json`',
    formerNames: ['API_KEYS_FILE'],
    ...text(),
  },
  AUTH_ALLOW_DEVELOPMENT_KEYS: {
    description:
      'under `NODE_ENV=production`, `true` lets the gateway start without an identity provider (trusting the development signing key) or without `SUBGRAPH_SHARED_SECRET` (a generated one); for a trial, never real data',
    components: GATEWAY,
    default: 'false',
    ...boolean(),
  },
});

function parseAuth(env: Env, dataDir: string, problems: string[]): AuthConfig {
  const values = readEnv(env, AUTH_ENV, problems);
  const external = Boolean(values.AUTH_JWKS_URL || values.AUTH_PUBLIC_KEY_FILE);
  if (external && (!values.AUTH_ISSUER || !values.AUTH_AUDIENCE)) problems.push('AUTH_ISSUER and AUTH_AUDIENCE are required with AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE');
  if (values.AUTH_PUBLIC_KEY_FILE && !fs.existsSync(values.AUTH_PUBLIC_KEY_FILE)) problems.push(`AUTH_PUBLIC_KEY_FILE ${values.AUTH_PUBLIC_KEY_FILE} does not exist`);
  return Object.freeze({
    jwksUrl: values.AUTH_JWKS_URL,
    publicKeyFile: values.AUTH_PUBLIC_KEY_FILE,
    issuer: values.AUTH_ISSUER,
    audience: values.AUTH_AUDIENCE,
    algorithms: values.AUTH_ALGORITHMS,
    clockSkewSeconds: values.AUTH_CLOCK_SKEW_SECONDS,
    claims: Object.freeze({ ...DEFAULT_CLAIM_MAPPING, ...(values.AUTH_CLAIMS as Partial<ClaimMapping> | undefined) }),
    apiKeysFile: path.resolve(values.AUTH_API_KEYS_FILE || path.join(dataDir, 'auth', 'api-keys.json')),
  });
}

/**
 * Every variable of the platform, in the README's order: the gateway's, then those every service shares, the
 * subgraphs', the audit trail's (and its alert rules', read by the audit subgraph) and the schema registry's. `npm run env-table` writes the README table from it.
 */
export const ENV_REGISTRIES: readonly EnvSpecs[] = [
  GATEWAY_ENV,
  CORS_ENV,
  SUBSCRIPTIONS_ENV,
  SUPERGRAPH_ENV,
  SCHEMA_ENV,
  RESILIENCE_ENV,
  PERFORMANCE_ENV,
  AUTH_ENV,
  REDIS_ENV,
  AUDIT_ENV,
  AUDIT_ALERT_ENV,
  SUBGRAPH_ENV,
  DATABASE_PASSWORD_ENV,
  SERVICE_ENV,
  OBSERVABILITY_ENV,
];

/** The prefixes of the gateway's own variables: one of these that is declared nowhere is warned about (a typo). */
const GATEWAY_PREFIXES = ['GATEWAY_', 'AUTH_', 'SUPERGRAPH_', 'SUBGRAPH_', 'SCHEMA_REGISTRY_', 'AUDIT_'];

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  const problems: string[] = [];
  warnUndeclared(env, ENV_REGISTRIES, GATEWAY_PREFIXES);
  const service = parseServiceEnv(env, problems);
  const values = readEnv(env, GATEWAY_ENV, problems);
  const { dataDir } = service;
  const resilience = parseResilienceConfig(env, problems);
  const observability = parseObservabilityConfig(env, problems, 'gateway');
  const supergraph = readEnv(env, { SUPERGRAPH_PATH: SUPERGRAPH_ENV.SUPERGRAPH_PATH, SUPERGRAPH_POLL_MS: SUPERGRAPH_ENV.SUPERGRAPH_POLL_MS }, []);
  const auth = parseAuth(env, dataDir, problems);
  const config: GatewayConfig = {
    host: service.host,
    port: values.GATEWAY_PORT,
    supergraphPath: path.resolve(supergraph.SUPERGRAPH_PATH),
    supergraphPollMs: supergraph.SUPERGRAPH_POLL_MS,
    supergraphSource: parseSupergraphSource(env, dataDir, problems),
    subgraphUrls: Object.freeze(readEnvFamily(env, GATEWAY_ENV['SUBGRAPH_<NAME>_URL'], problems)),
    subgraphTimeoutMs: resilience.defaultTimeoutMs,
    maxBodyBytes: values.GATEWAY_MAX_BODY_BYTES,
    rateLimit: Object.freeze({
      requests: values.GATEWAY_RATE_LIMIT,
      windowSeconds: values.GATEWAY_RATE_LIMIT_WINDOW_SECONDS,
      redisUrl: readRedisUrl(env, []),
    }),
    logLevel: service.logLevel,
    dataDir,
    auth,
    sharedSecret: service.sharedSecret,
    authorizationMode: values.GATEWAY_AUTHORIZATION_MODE,
    policies: parsePolicies(env, problems),
    audit: parseAuditConfig(env, dataDir, problems),
    explorer: values.GATEWAY_EXPLORER,
    resilience,
    observability,
    performance: parsePerformanceConfig(env, problems),
    adminAccess: Object.freeze({ token: observability.metricsToken, openOnLoopback: values.GATEWAY_ADMIN_LOOPBACK ?? values.NODE_ENV !== 'production' }),
    cors: parseCorsConfig(env, problems),
    subscriptions: parseSubscriptionConfig(env, problems),
    devSignIn: !auth.jwksUrl && !auth.publicKeyFile && values.NODE_ENV !== 'production',
  };
  const { AUTH_ALLOW_DEVELOPMENT_KEYS } = readEnv(env, { AUTH_ALLOW_DEVELOPMENT_KEYS: AUTH_ENV.AUTH_ALLOW_DEVELOPMENT_KEYS }, problems);
  problems.push(
    ...developmentKeyProblems({
      production: values.NODE_ENV === 'production',
      allowDevelopmentKeys: AUTH_ALLOW_DEVELOPMENT_KEYS,
      externalIdentityProvider: Boolean(config.auth.jwksUrl || config.auth.publicKeyFile),
      sharedSecretSet: config.sharedSecret !== undefined,
    }),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function parsePolicies(env: Env, problems: string[]): Readonly<Record<string, PolicyRule>> {
  const { AUTH_POLICIES: policies } = readEnv(env, { AUTH_POLICIES: AUTH_ENV.AUTH_POLICIES }, problems);
  return policies ? Object.freeze({ ...DEFAULT_POLICIES, ...(policies as Record<string, PolicyRule>) }) : DEFAULT_POLICIES;
}
