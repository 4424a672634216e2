import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { runToEnd, type ProcessOutcome as Run } from '@cmcc/test-support/process';

// Every `npm run <tool>` that is one of ours (`tsx <file>`); `test` (vitest) and `typecheck` (tsc) are other projects' tools.
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts;
const TOOLS = Object.entries(scripts)
  .map(([name, command]) => ({ name, entry: /^tsx (\S+)$/.exec(command)?.[1] }))
  .filter((tool): tool is { name: string; entry: string } => tool.entry !== undefined);

// A tool that did start its work despite the flag must not touch the repository's data folder.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-cli-help-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Runs the tool's entry as `npm run <tool> -- <args>` does (node with tsx), without npm's own start-up. */
function run(entry: string, args: string[]): Promise<Run> {
  return runToEnd(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' } });
}

/** At most `limit` at once: the machine has two cores, and each run compiles its imports. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]);
      }
    }),
  );
  return results;
}

const STACK_FRAME = /^\s+at .+[:(]/m;

describe('every command-line tool', () => {
  const help = new Map<string, Run>();
  const unknown = new Map<string, Run>();

  beforeAll(async () => {
    const runs = TOOLS.flatMap((tool) => [
      { tool, args: ['--help'], into: help },
      { tool, args: ['--no-such-flag'], into: unknown },
    ]);
    await mapLimited(runs, 4, async ({ tool, args, into }) => void into.set(tool.name, await run(tool.entry, args)));
  }, 180_000);

  it('covers every npm script that runs one of our files', () => {
    expect(TOOLS.map((tool) => tool.name).sort()).toEqual(
      expect.arrayContaining([
        'apikey',
        'audit:verify',
        'bench',
        'compose',
        'gateway',
        'import',
        'new-subgraph',
        'operations:manifest',
        'schema',
        'schema-guides',
        'soak',
        'start',
        'subgraph',
        'token',
      ]),
    );
  });

  it.each(TOOLS.map((tool) => tool.name))('npm run %s -- --help prints its usage on stdout and exits 0', (name) => {
    const result = help.get(name)!;
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm (run -s |run )?\S*/);
    expect(result.stdout).toContain(name === 'start' ? 'npm start' : `npm run${name === 'token' ? ' -s' : ''} ${name}`);
  });

  it.each(TOOLS.map((tool) => tool.name))('npm run %s -- --no-such-flag names the flag, prints the usage on stderr and exits 2, without a stack trace', (name) => {
    const result = unknown.get(name)!;
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain("Unknown option '--no-such-flag'");
    expect(result.stderr).toContain('Usage: npm');
    expect(result.stdout).toBe('');
  });
});
