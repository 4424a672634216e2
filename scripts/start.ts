// `npm start`: runs every subgraph and then the gateway as child processes on embedded defaults, and stops them all on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadSubgraphList, PROJECT_ROOT } from '../schema/composition.ts';
import { DEV_PRINCIPALS, signDevToken } from '../gateway/src/auth/dev-keys.ts';
import { loadOrCreateSharedSecret } from '../subgraphs/kit/src/principal-token.ts';

const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, entry: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`${name} exited (${signal ?? `code ${code}`}); stopping everything.`);
    void stopAll(1);
  });
  children.push(child);
  return child;
}

async function waitForHealth(name: string, url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
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
  if (stopping) return;
  stopping = true;
  const exited = children
    .filter((child) => child.exitCode === null && child.signalCode === null)
    .map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of children) child.kill('SIGTERM');
  const timeout = setTimeout(() => children.forEach((child) => child.kill('SIGKILL')), 10_000);
  await Promise.all(exited);
  clearTimeout(timeout);
  process.exit(exitCode);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

const subgraphs = loadSubgraphList();
const dataDir = path.resolve(process.env.DATA_DIR || 'data');
// Create the development secret before the services start, so they all read the same one.
if (!process.env.SUBGRAPH_SHARED_SECRET) loadOrCreateSharedSecret(undefined, dataDir);
for (const subgraph of subgraphs) {
  run(subgraph.name, path.join('subgraphs', subgraph.name, 'src', 'index.ts'), { PORT: String(subgraph.port) });
}
try {
  await Promise.all(subgraphs.map((s) => waitForHealth(s.name, `http://127.0.0.1:${s.port}/ready`)));
  const gatewayPort = process.env.GATEWAY_PORT || '4000';
  run('gateway', path.join('gateway', 'src', 'index.ts'), {});
  await waitForHealth('gateway', `http://127.0.0.1:${gatewayPort}/ready`);
  if (stopping) process.exit(1);
  const operation = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', 'SituationByGovernorate.graphql'), 'utf8');
  const token = await signDevToken(dataDir, { ...DEV_PRINCIPALS['operations-dashboard'] });
  console.log(`
CMCC Supergraph is running.
  Gateway:   http://localhost:${gatewayPort}/graphql
  Explorer:  http://localhost:${gatewayPort}/   (paste the token below into its token field)
  Subgraphs: ${subgraphs.map((s) => `${s.name} :${s.port}`).join(', ')}
  Health:    http://localhost:${gatewayPort}/health   Ready: http://localhost:${gatewayPort}/ready

Try the dashboard query (schema/operations/SituationByGovernorate.graphql):

  curl -s http://localhost:${gatewayPort}/graphql -H 'content-type: application/json' \\
    -H 'authorization: Bearer ${token}' \\
    -d '${JSON.stringify({ query: operation.replace(/\s+/g, ' ').trim(), variables: { since: '2025-10-10T00:00:00Z' } }).replace(/'/g, "'\\''")}'

The token above is a development token (8 hours) for a dashboard; make others with
  npm run token -- --role member --nation GBR --org CMCC --clearance RESTRICTED
  npm run token -- --as wfp-officer   (or another development principal: ${Object.keys(DEV_PRINCIPALS).join(', ')})

Press Ctrl-C to stop everything.
`);
} catch (error) {
  console.error(String(error));
  await stopAll(1);
}
