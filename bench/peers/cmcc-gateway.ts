// Gateway (a): this product, built by the same createGateway as `npm start`, from the same environment variables (its
// production configuration), plus an IPC channel answering `stats` with gateway.performance.stats() for the report.
import { createLogger } from '../../subgraphs/kit/src/logger.ts';
import { listen } from '../../subgraphs/kit/src/http.ts';
import { loadGatewayConfig } from '../../gateway/src/config.ts';
import { createGateway } from '../../gateway/src/server.ts';

const config = loadGatewayConfig();
const gateway = await createGateway(config, createLogger('gateway', config.logLevel));
await listen(gateway.handler, config.port, config.host);
process.on('message', (message) => {
  if (message === 'stats') process.send!(gateway.performance.stats());
});
// Exit (rather than die by the signal) so that `--cpu-prof` (BENCH_CPU_PROF) writes its profile.
process.on('SIGTERM', () => void gateway.stop().finally(() => process.exit(0)));
process.send!({ ready: true });
