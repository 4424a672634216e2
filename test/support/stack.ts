import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeSupergraph, loadSubgraphList, PROJECT_ROOT, type SubgraphEntry } from '../../schema/composition.ts';
import { loadGatewayConfig } from '../../gateway/src/config.ts';
import { createGateway, type Gateway } from '../../gateway/src/server.ts';
import { close, createLogger, listen } from '../../subgraphs/kit/src/index.ts';
import { startTestSubgraph, type TestSubgraph, type TestSubgraphOptions } from './subgraph.ts';
import { loadDefinition } from '../../scripts/definitions.ts';

export { loadDefinition };

/** Composes a supergraph whose routing URLs point at the given running subgraphs, written to a temporary file. */
export function writeSupergraph(entries: SubgraphEntry[], urls: Record<string, string>, file: string): void {
  const result = composeSupergraph(
    entries.map((entry) => ({
      name: entry.name,
      routingUrl: `${urls[entry.name]}/graphql`,
      sdl: fs.readFileSync(path.join(PROJECT_ROOT, entry.schema), 'utf8'),
    })),
  );
  if (!result.ok) throw new Error(result.problems.map((p) => `[${p.subgraph}] ${p.message}`).join('\n'));
  fs.writeFileSync(`${file}.tmp`, result.supergraphSdl);
  fs.renameSync(`${file}.tmp`, file);
}

export interface TestStack {
  readonly gatewayUrl: string;
  readonly gateway: Gateway;
  readonly subgraphs: Record<string, TestSubgraph>;
  readonly supergraphPath: string;
  readonly entries: SubgraphEntry[];
  readonly logs: string[];
  close(): Promise<void>;
}

/** Every subgraph on a free port with its own throwaway database, and the gateway in front of them. */
export async function startStack(options: { env?: Record<string, string>; subgraph?: TestSubgraphOptions } = {}): Promise<TestStack> {
  const entries = loadSubgraphList();
  const subgraphs: Record<string, TestSubgraph> = {};
  await Promise.all(
    entries.map(async (entry) => {
      subgraphs[entry.name] = await startTestSubgraph(await loadDefinition(entry.name), options.subgraph);
    }),
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-stack-'));
  const supergraphPath = path.join(dir, 'supergraph.graphql');
  writeSupergraph(entries, Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url])), supergraphPath);
  const config = loadGatewayConfig({ SUPERGRAPH_PATH: supergraphPath, SUPERGRAPH_POLL_MS: '100', LOG_LEVEL: 'info', ...options.env });
  // Keep the gateway's log lines in memory so tests can assert what an operator would read.
  const logs: string[] = [];
  const logger = createLogger('gateway', config.logLevel, { write: (line: string) => void logs.push(line) });
  const gateway = await createGateway(config, logger);
  const { server, url } = await listen(gateway.handler, 0);
  return {
    gatewayUrl: url,
    gateway,
    subgraphs,
    supergraphPath,
    entries,
    logs,
    async close() {
      await close(server);
      await gateway.stop();
      await Promise.all(Object.values(subgraphs).map((s) => s.close()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
