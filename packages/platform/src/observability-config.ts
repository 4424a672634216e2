import { boolean, defineEnv, readEnv, text, url, wholeNumber, type Env } from './env.ts';
import { z } from 'zod';

/** Where traces go: OpenTelemetry over OTLP/HTTP (JSON), configured by the standard OTEL_* variables. */
export interface TracingConfig {
  /** The OTLP/HTTP traces URL (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`). */
  readonly tracesUrl: string;
  readonly serviceName: string;
  /** Extra headers for the collector (`OTEL_EXPORTER_OTLP_HEADERS`, `key=value,...`); never logged. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Metrics, tracing and shutdown settings every service (gateway and subgraphs) shares. */
export interface ObservabilityConfig {
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`; unset, /metrics is open (like /ready). */
  readonly metricsToken: string | undefined;
  /** Null unless an OTLP endpoint is configured. */
  readonly tracing: TracingConfig | null;
  /** On SIGTERM, requests in flight get this long to finish before the process exits anyway. */
  readonly shutdownGraceMs: number;
}

/** `key=value,...` with URL-encoded parts (the OpenTelemetry form). */
const otlpHeaders = z.string().transform((value, context) => {
  const headers: Record<string, string> = {};
  for (const pair of value.split(',')) {
    if (!pair.trim()) continue;
    const at = pair.indexOf('=');
    if (at <= 0) {
      context.addIssue({ code: 'custom', message: 'not key=value' });
      return z.NEVER;
    }
    headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
});

/** Metrics, tracing and shutdown: the variables every service reads. */
export const OBSERVABILITY_ENV = defineEnv({
  METRICS_TOKEN: {
    description:
      "when set (16+ characters), `GET /metrics` (and the gateway's `/explorer/operations.json`) needs `Authorization: Bearer <token>`; unset, a subgraph's is open like `/ready` and the gateway's answers loopback callers only",
    components: ['all'],
    secret: true,
    ...text({ minLength: 16, rule: 'must be at least 16 characters (e.g. openssl rand -hex 16)' }),
  },
  SHUTDOWN_GRACE_MS: {
    description: 'on SIGTERM/SIGINT, how long requests in flight may take to finish before the process exits anyway',
    components: ['all'],
    default: '10000',
    ...wholeNumber({ max: 600_000 }),
    rule: 'must be a whole number of milliseconds from 0 to 600000',
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    description: 'OTLP/HTTP collector (e.g. `http://otel-collector:4318`, traces to `/v1/traces`); unset: no tracing',
    components: ['all'],
    ...url('http://otel-collector:4318'),
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    description: 'the full OTLP/HTTP traces URL, instead of `OTEL_EXPORTER_OTLP_ENDPOINT`',
    components: ['all'],
    ...url('http://otel-collector:4318/v1/traces'),
  },
  OTEL_SERVICE_NAME: { description: 'service name of the traces', components: ['all'], defaultText: 'the service name', ...text() },
  OTEL_EXPORTER_OTLP_HEADERS: {
    description: '`key=value,...` headers for the collector (never logged)',
    components: ['all'],
    secret: true,
    schema: otlpHeaders,
    rule: 'must be key=value pairs separated by commas',
  },
  OTEL_SDK_DISABLED: { description: '`true` turns tracing off', components: ['all'], default: 'false', ...boolean() },
});

/** Parses METRICS_TOKEN, OTEL_* and SHUTDOWN_GRACE_MS; `service` names the traces when OTEL_SERVICE_NAME is unset. */
export function parseObservabilityConfig(env: Env, problems: string[], service: string): ObservabilityConfig {
  const values = readEnv(env, OBSERVABILITY_ENV, problems);
  const base = values.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl = values.OTEL_SDK_DISABLED ? undefined : values.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  return Object.freeze({
    metricsToken: values.METRICS_TOKEN,
    tracing: tracesUrl ? Object.freeze({ tracesUrl, serviceName: values.OTEL_SERVICE_NAME || service, headers: Object.freeze(values.OTEL_EXPORTER_OTLP_HEADERS ?? {}) }) : null,
    shutdownGraceMs: values.SHUTDOWN_GRACE_MS,
  });
}
