import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';
import { START_TOKEN_CLAIMS, startBanner } from '../scripts/start-banner.ts';
import { printedCommands, shellBlocks } from '@cmcc/test-support/documentation';
import { runToEnd, type ProcessOutcome as Outcome } from '@cmcc/test-support/process';
import { startStack, type TestStack } from '@cmcc/test-support/stack';

// The commands a reader is told to paste (README.md's and docs/'s shell blocks, and what `npm start` prints) run as
// printed against one running stack. Only hosts and ports are substituted: the documented localhost:4000 (and a
// subgraph's documented port) become the test stack's; DATA_DIR points at the stack's data (development key, API keys,
// audit trail, schema registry), as data/ is the one `npm start` uses.

const GATEWAY_PORT = 4000;
const DOCUMENTS = [
  'README.md',
  ...fs
    .readdirSync(path.join(PROJECT_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

const blocks = DOCUMENTS.flatMap((file) => shellBlocks(file, fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8')));
const runnable = blocks.filter((block) => block.illustrative === null);

describe('the documented commands', () => {
  let stack: TestStack;
  let substitute: (text: string) => string;

  beforeAll(async () => {
    stack = await startStack();
    const ports = new Map<number, string>([[GATEWAY_PORT, new URL(stack.gatewayUrl).host]]);
    for (const entry of loadSubgraphList()) ports.set(entry.port, new URL(stack.subgraphs[entry.name].url).host);
    substitute = (text) => text.replace(/\b(?:localhost|127\.0\.0\.1):(\d{2,5})\b/g, (match, port) => ports.get(Number(port)) ?? match);
  }, 240_000);
  afterAll(async () => {
    await stack?.close();
  });

  /**
   * Runs a script with `bash -e -o pipefail` in the repository. `curl` is wrapped to fail on an HTTP error status
   * (`--fail-with-body`, the body still printed) and to end each answer with a newline, so every answer is one line.
   */
  function run(script: string): Promise<Outcome> {
    const { DATABASE_URL: _db, REDIS_URL: _redis, SCHEMA_REGISTRY_DIR: _registry, AUDIT_DIR: _audit, API_KEYS_FILE: _keys, AUTH_API_KEYS_FILE: _authKeys, ...env } = process.env;
    const preamble = 'curl() { command curl --fail-with-body --show-error "$@"; echo; }\n';
    return runToEnd('bash', ['-e', '-o', 'pipefail', '-c', preamble + substitute(script)], { cwd: PROJECT_ROOT, env: { ...env, DATA_DIR: stack.dataDir, LOG_LEVEL: 'warn' } });
  }

  /** Every answer printed as one JSON line: none may carry GraphQL errors; a script that calls curl must get data. */
  function expectWorked(script: string, outcome: Outcome): void {
    expect(outcome.code, `exit code\n${outcome.stderr}\n${outcome.stdout}`).toBe(0);
    const answers = outcome.stdout
      .split('\n')
      .filter((line) => line.trim().startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line)];
        } catch {
          return [];
        }
      });
    for (const answer of answers) expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
    if (/\bcurl\b/.test(script)) {
      expect(answers.length, outcome.stdout).toBeGreaterThan(0);
      for (const answer of answers) expect(answer.data, JSON.stringify(answer)).toBeTruthy();
    }
  }

  it('finds the README blocks to run, and marks no block illustrative without saying why', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(4);
    for (const block of blocks.filter((b) => b.illustrative !== null)) expect(block.illustrative, block.where).not.toBe('');
  });

  it.concurrent('runs what npm start prints, as printed', { timeout: 120_000 }, async () => {
    const banner = startBanner({ gatewayPort: GATEWAY_PORT, subgraphs: loadSubgraphList(), token: await stack.token(START_TOKEN_CLAIMS) });
    const commands = printedCommands(banner);
    expect(commands.map((c) => c.split(' ')[0])).toEqual(['curl', 'npm', 'npm']);
    for (const command of commands) {
      const outcome = await run(command);
      expectWorked(command, outcome);
      if (command.startsWith('curl')) expect(JSON.parse(outcome.stdout.trim()).data.areas).toHaveLength(5);
      else expect(outcome.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    }
  });

  it.concurrent.each(runnable.map((block) => [block.where, block] as const))('%s runs as printed', { timeout: 300_000 }, async (_where, block) => {
    expectWorked(block.script, await run(block.script));
  });
});
