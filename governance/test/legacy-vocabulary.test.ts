import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_VOCABULARY_PATH, sharedTypeNames } from '@cmcc/contracts';
import type { GraphState } from '../src/check.ts';
import { publishSubgraph, repositoryState } from '../src/publish.ts';
import { FileSchemaRegistry } from '../src/registry/index.ts';

/** A registry whose versions were published when every subgraph SDL carried its own copy of the shared vocabulary. */
const copy = fs
  .readFileSync(SHARED_VOCABULARY_PATH, 'utf8')
  .replace(
    /^(#.*\n)+/,
    "# Shared vocabulary: copy these definitions unchanged into every subgraph's schema.graphql.\n# test/shared-vocabulary.test.ts fails when a subgraph's copy differs from this file.\n",
  );
let own: GraphState;
let dir: string;

beforeAll(() => {
  own = repositoryState();
});
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const legacy = (edit: (sdl: string) => string = (sdl) => sdl): GraphState => ({
  ...own,
  subgraphs: own.subgraphs.map((s) => ({ ...s, sdl: `${s.sdl}\n# ---- Shared vocabulary (copied unchanged from packages/contracts/sdl/shared.graphql) ----\n${edit(copy)}` })),
});
const probe = (sdl: string) => sdl.replace('type Query {', 'type Query {\n  "A field added by the legacy-vocabulary test."\n  probe_security: String');

function publishOver(baseline: GraphState) {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-legacy-vocabulary-'));
  const security = own.subgraphs.find((s) => s.name === 'security')!.sdl;
  return publishSubgraph(new FileSchemaRegistry(dir), { subgraph: 'security', sdl: probe(security), author: 'legacy-test', operations: [], baseline: () => baseline });
}

describe('a registry published before the kit added the shared vocabulary', () => {
  it('still takes a publish: the copies identical to the kit file are taken out, and the new version stores none', async () => {
    const outcome = await publishOver(legacy());
    expect(outcome.status === 'failed' ? outcome.check.composition.problems : []).toEqual([]);
    expect(outcome.status).toBe('published');
    if (outcome.status !== 'published') return;
    expect(outcome.version.supergraphSdl).toContain('probe_security');
    for (const subgraph of outcome.version.subgraphs) {
      const defined = [...subgraph.sdl.matchAll(/^(?:type|enum|scalar|input) (\w+)/gm)].map((m) => m[1]);
      expect(
        defined.filter((name) => sharedTypeNames().includes(name)),
        subgraph.name,
      ).toEqual([]);
      expect(subgraph.sdl, subgraph.name).not.toContain('Shared vocabulary');
    }
  });

  it('refuses a copy that differs from the kit file, naming the subgraph and the type', async () => {
    // The copy lacks the value RED (and its description), whatever the kit's description says today.
    const outcome = await publishOver(legacy((sdl) => sdl.replace(/\n {2}"[^"\n]*"\n {2}RED\n/, '\n')));
    expect(outcome.status).toBe('failed');
    const problems = outcome.status === 'failed' ? outcome.check.composition.problems : [];
    expect(problems.map((p) => p.code)).toEqual(own.subgraphs.filter((s) => s.name !== 'security').map(() => 'SHARED_TYPE_REDEFINED'));
    expect(problems[0].message).toMatch(/shared type Tlp\b/);
  });
});
