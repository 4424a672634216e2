import { createLogger } from '../../subgraphs/kit/src/logger.ts';
import { close, listen } from '../../subgraphs/kit/src/http.ts';
import { loadGatewayConfig } from './config.ts';
import { createGateway } from './server.ts';

const config = loadGatewayConfig();
const logger = createLogger('gateway', config.logLevel);
const gateway = await createGateway(config, logger);
const { server, url } = await listen(gateway.handler, config.port, config.host);
logger.info({ url: `${url}/graphql`, supergraph: config.supergraphPath }, 'gateway listening');

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: finishing requests in flight');
  await close(server);
  await gateway.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
