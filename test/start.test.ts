import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';
import { printedCommands } from '@cmcc/test-support/documentation';
import { postGraphQL } from '@cmcc/test-support/subgraph';

const PORTS = [4000, ...loadSubgraphList().map((s) => s.port)];

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

describe('npm start', () => {
  // Seven services compile and migrate at once on two shared cores: allow as long as the start itself waits (120 s), and more.
  it(
    'starts every subgraph and the gateway on embedded data, prints the URL and an example that works as printed, and stops them all on Ctrl-C',
    { timeout: 240_000 },
    async (context) => {
      const free = await Promise.all(PORTS.map(portFree));
      if (!free.every(Boolean)) return context.skip(`ports ${PORTS.join(', ')} are in use (is npm start already running?)`);
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-start-'));
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const deadline = Date.now() + 120_000;
        while (!output.includes('Press Ctrl-C') && Date.now() < deadline && child.exitCode === null) {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        expect(output).toContain('http://localhost:4000/graphql');
        expect(output).toContain('curl');
        const operation = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', 'SituationByGovernorate.graphql'), 'utf8');
        const token = /authorization: Bearer ([\w.-]+)/.exec(output)?.[1];
        expect(token).toBeTruthy();
        const { data, errors } = await postGraphQL('http://127.0.0.1:4000/graphql', operation, { since: '2025-10-10T00:00:00Z' }, { authorization: `Bearer ${token}` });
        expect(errors).toBeUndefined();
        expect(data.areas).toHaveLength(5);
        // The commands it prints work pasted into a shell as they stand (the curl once sent its operation under its leading
        // `# comment`, flattened onto one line, and got `Syntax Error: Unexpected <EOF>`).
        const commands = printedCommands(output);
        expect(commands.map((command) => command.split(' ')[0])).toEqual(['curl', 'npm', 'npm']);
        for (const command of commands) {
          const pasted = spawnSync('bash', ['-e', '-c', command], { cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' });
          expect(pasted.status, pasted.stderr).toBe(0);
          if (command.startsWith('curl')) {
            const answer = JSON.parse(pasted.stdout);
            expect(answer.errors).toBeUndefined();
            expect(answer.data.areas).toHaveLength(5);
          }
        }
        for (const name of loadSubgraphList().map((s) => s.name)) expect(fs.existsSync(path.join(dataDir, name))).toBe(true);
      } finally {
        child.kill('SIGINT');
        expect(await exited).toBe(0);
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
      // Every child is gone: all ports are free again.
      expect(await Promise.all(PORTS.map(portFree))).toEqual(PORTS.map(() => true));
    },
  );
});
