// `npm start`: runs every subgraph and then the gateway as child processes on embedded defaults, restarts any that
// crashes (with backoff, logged), and stops them all on Ctrl-C.
import path from 'node:path';
import { loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';
import { signDevToken } from '@cmcc/gateway/auth/dev-keys';
import { loadOrCreateSharedSecret } from '@cmcc/contracts';
import { parseCli } from '@cmcc/platform';
import { START_TOKEN_CLAIMS, startBanner } from './start-banner.ts';
import { stopOnSignals, Supervisor } from './supervisor.ts';

parseCli({
  usage: `Usage: npm start   runs every subgraph and the gateway (http://localhost:4000/graphql) on embedded data under DATA_DIR (default data/), restarting a crashed one; Ctrl-C stops them all`,
});

// Each service is kept running: a crash is logged and the service restarted with backoff (see supervisor.ts).
const supervisor = new Supervisor();

function run(name: string, entry: string, env: Record<string, string>): void {
  supervisor.start({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', entry],
    options: { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] },
  });
}

async function waitForHealth(name: string, url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (supervisor.stopping) return;
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs / 1000} s`);
}

async function stopAll(exitCode: number): Promise<void> {
  if (supervisor.stopping) return;
  await supervisor.stop();
  process.exit(exitCode);
}

stopOnSignals(supervisor);

const subgraphs = loadSubgraphList();
const dataDir = path.resolve(process.env.DATA_DIR || 'data');
// Create the development secret before the services start, so they all read the same one.
if (!process.env.SUBGRAPH_SHARED_SECRET) loadOrCreateSharedSecret(undefined, dataDir);
for (const subgraph of subgraphs) {
  run(subgraph.name, path.join('subgraphs', subgraph.name, 'src', 'index.ts'), { PORT: String(subgraph.port) });
}
try {
  await Promise.all(subgraphs.map((s) => waitForHealth(s.name, `http://127.0.0.1:${s.port}/ready`)));
  // Ctrl-C while starting: stopAll stops the children and exits; start nothing more (a gateway spawned now would outlive it).
  if (supervisor.stopping) await new Promise(() => undefined);
  const gatewayPort = process.env.GATEWAY_PORT || '4000';
  run('gateway', path.join('gateway', 'src', 'index.ts'), {});
  await waitForHealth('gateway', `http://127.0.0.1:${gatewayPort}/ready`);
  if (supervisor.stopping) await new Promise(() => undefined);
  const token = await signDevToken(dataDir, START_TOKEN_CLAIMS);
  console.log(startBanner({ gatewayPort, subgraphs, token }));
} catch (error) {
  console.error(String(error));
  await stopAll(1);
}
