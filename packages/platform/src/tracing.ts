import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from './observability-config.ts';

/** A service's tracer, and how to flush its spans at shutdown. */
export interface Tracing {
  readonly tracer: Tracer;
  /** Sends the spans still buffered. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let contextInstalled = false;

/** W3C trace context (traceparent) and async context, once per process: every service in it uses the same. */
function installContext(): void {
  if (contextInstalled) return;
  contextInstalled = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/**
 * Starts exporting spans over OTLP/HTTP when tracing is configured; null otherwise (then nothing is traced and no
 * span costs anything). `global` also makes it the process's tracer provider, which is where Apollo Gateway creates
 * its own spans (gateway.request, gateway.plan, gateway.fetch, ...).
 */
export function startTracing(config: TracingConfig | null, { global = false } = {}): Tracing | null {
  if (!config) return null;
  installContext();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl, headers: { ...config.headers } }), { scheduledDelayMillis: 1000 })],
  });
  if (global) trace.setGlobalTracerProvider(provider);
  return {
    tracer: provider.getTracer('cmcc-supergraph'),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** Adds the active trace context (`traceparent`) to a subgraph request's headers. */
export function injectTraceContext(headers: { set(name: string, value: string): void }): void {
  propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
}
