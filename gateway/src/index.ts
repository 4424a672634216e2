import { parseCli } from '@cmcc/platform';

parseCli({
  usage: `Usage: npm run gateway   runs the gateway alone (GATEWAY_PORT, default 4000; every setting from the environment, see README "Configuration")`,
});
// Loaded after the command line is read, so `--help` answers at once.
const { createLogger } = await import('@cmcc/platform');
const { listen } = await import('@cmcc/platform');
const { RequestDrain } = await import('@cmcc/platform');
const { loadGatewayConfig } = await import('./config.ts');
const { createGateway } = await import('./server.ts');
const config = loadGatewayConfig();
const logger = createLogger('gateway', config.logLevel);
const gateway = await createGateway(config, logger);
const drain = new RequestDrain();
const { server, url } = await listen(drain.wrap(gateway.handler), config.port, config.host);
// GraphQL over WebSocket (graphql-ws) on the same port: /graphql upgrades to live subscriptions.
server.on('upgrade', gateway.handleUpgrade);
logger.info({ url: `${url}/graphql`, supergraph: gateway.supergraph.state }, 'gateway listening');

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const graceMs = config.observability.shutdownGraceMs;
  // Whatever hangs (a sink that never answers), the process is gone soon after the grace period.
  setTimeout(() => process.exit(1), graceMs + 15_000).unref();
  logger.info({ signal, inFlight: drain.requestsInFlight, graceMs }, 'stopping: refusing new requests, finishing those in flight');
  // Live subscriptions end first, with a reconnect hint: an open event stream would otherwise hold the drain to its end.
  await gateway.subscriptions.stop();
  const finished = await drain.drain(server, graceMs);
  logger.info({ finished }, finished ? 'drained: every request in flight finished' : 'grace period over: remaining requests cut off');
  // Then the audit buffer is flushed with a final signed checkpoint.
  await gateway.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
