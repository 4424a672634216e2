import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { composeFromFiles, composeSupergraph, loadSubgraphList, PROJECT_ROOT, SUPERGRAPH_PATH } from '../src/composition.ts';

const run = promisify(execFile);
const compose = (...args: string[]) => run(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'compose.ts'), ...args], { cwd: PROJECT_ROOT });

describe('composition', () => {
  it('the committed supergraph is what the current subgraph SDLs compose to (run `npm run compose` when this fails)', () => {
    const result = composeFromFiles();
    expect(result.ok ? null : result.problems).toBeNull();
    expect(fs.readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(result.ok && result.supergraphSdl);
  });

  it('names the subgraph and the problem when two subgraphs disagree on a shared type', () => {
    const base = loadSubgraphList().find((s) => s.name === 'civil-administration')!;
    const sdl = fs.readFileSync(path.join(PROJECT_ROOT, base.schema), 'utf8');
    const broken = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
      type Query { "x" brokenField: Int }
      "An area with a conflicting key type." type Area @key(fields: "pcode") { "x" pcode: Int! }`;
    const result = composeSupergraph([
      { name: 'civil-administration', routingUrl: 'http://a/graphql', sdl },
      { name: 'broken-group', routingUrl: 'http://b/graphql', sdl: broken },
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.some((problem) => problem.message.includes('broken-group') || problem.subgraph === 'broken-group')).toBe(true);
    expect(result.problems[0].code).toBeTruthy();
  });

  it('`npm run compose` exits non-zero naming the subgraph whose SDL does not parse', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-'));
    fs.writeFileSync(path.join(dir, 'bad.graphql'), 'type Query { oops: }');
    fs.writeFileSync(
      path.join(dir, 'subgraphs.json'),
      JSON.stringify({ subgraphs: [{ name: 'bad-group', schema: path.join(dir, 'bad.graphql'), port: 1, routingUrl: 'http://x/graphql' }] }),
    );
    const error = await compose('--config', path.join(dir, 'subgraphs.json'), '--out', path.join(dir, 'out.graphql')).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(1);
    expect(error?.stderr).toContain('[bad-group]');
    expect(fs.existsSync(path.join(dir, 'out.graphql'))).toBe(false);
  });

  it('`npm run compose -- --check` fails on a stale supergraph', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-'));
    fs.writeFileSync(path.join(dir, 'stale.graphql'), 'schema { query: Query } type Query { stale: Int }');
    const error = await compose('--check', '--out', path.join(dir, 'stale.graphql')).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(1);
    expect(error?.stderr).toContain('stale');
  });
});
