// Gateway (a): this product, built by the same createGateway as `npm start`, from the same environment variables (its
// production configuration), plus an IPC channel answering `stats` with gateway.performance.stats() for the report.
import { createLogger, listen } from '@cmcc/platform';
import { loadGatewayConfig } from '@cmcc/gateway/config';
import { createGateway } from '@cmcc/gateway/server';

const config = loadGatewayConfig();
const gateway = await createGateway(config, createLogger('gateway', config.logLevel));
await listen(gateway.handler, config.port, config.host);
process.on('message', (message) => {
  if (message === 'stats') process.send!(gateway.performance.stats());
});
// Exit (rather than die by the signal) so that `--cpu-prof` (BENCH_CPU_PROF) writes its profile.
process.on('SIGTERM', () => void gateway.stop().finally(() => process.exit(0)));
process.send!({ ready: true });
