import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as prettier from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { runToEnd, type ProcessOutcome } from '@cmcc/test-support/process';
import { planSubgraph } from '../scripts/scaffold/generate.ts';
import { formatWritten } from '../scripts/scaffold/format.ts';

// The repository's guardrails run in `npm test`, so CI enforces them: the type checker, the linter and the formatter,
// each once over the whole repository, as `npm run typecheck`, `npm run lint` and `npm run format:check` run them.
// The three start together (they are independent) and each test waits for its own.

const bin = (...segments: string[]) => path.join(PROJECT_ROOT, 'node_modules', ...segments);
const CACHE = bin('.cache');

const CHECKS = {
  typecheck: [bin('typescript', 'bin', 'tsc'), '--noEmit', '--pretty', 'false'],
  lint: [bin('eslint', 'bin', 'eslint.js'), '--cache', '--cache-location', path.join(CACHE, 'eslint', 'guardrails'), '.'],
  'format:check': [bin('prettier', 'bin', 'prettier.cjs'), '--check', '--cache', '--cache-location', path.join(CACHE, 'prettier', 'guardrails'), '.'],
} satisfies Record<string, string[]>;

type Check = keyof typeof CHECKS;

/** The environment of the checks: no colour codes in what they print. */
function plainEnv(): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _forceColor, ...env } = process.env;
  return { ...env, NO_COLOR: '1' };
}

/** What a failing check printed, for the failure message: the command and both streams. */
function report(check: Check, outcome: ProcessOutcome): string {
  return [`npm run ${check} exited with ${outcome.code}:`, outcome.stdout.trim(), outcome.stderr.trim()].filter(Boolean).join('\n');
}

describe('the guardrails CI enforces', () => {
  const outcomes = {} as Record<Check, Promise<ProcessOutcome>>;

  beforeAll(() => {
    for (const [check, args] of Object.entries(CHECKS) as [Check, string[]][]) {
      outcomes[check] = runToEnd(process.execPath, args, { cwd: PROJECT_ROOT, env: plainEnv() });
      // Each test awaits its own outcome; until then a failure to start must not be reported as unhandled.
      outcomes[check].catch(() => {});
    }
  });

  it('compiles: tsc --noEmit reports no type error', async () => {
    const outcome = await outcomes.typecheck;
    expect(outcome.code, report('typecheck', outcome)).toBe(0);
  }, 240_000);

  it('lints clean: eslint reports no problem, warnings included', async () => {
    const outcome = await outcomes.lint;
    expect(outcome.code, report('lint', outcome)).toBe(0);
    expect(outcome.stdout.trim(), report('lint', outcome)).toBe('');
  }, 240_000);

  it('is formatted: prettier --check finds every file as Prettier would write it', async () => {
    const outcome = await outcomes['format:check'];
    expect(outcome.code, report('format:check', outcome)).toBe(0);
  }, 240_000);
});

describe('a new subgraph passes the format check', () => {
  // Written where the planned files would go, with the repository's Prettier settings beside them.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-guardrails-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('formats what new-subgraph writes, so a longer name than the template one still passes prettier --check', async () => {
    // Planned against the repository (nothing is written there); a long name and entity push template lines past the width.
    const plan = planSubgraph({ name: 'logistics-coordination-cell', entity: 'HumanitarianSupplyRequest' });
    const created = [...plan.files.keys()].filter((file) => file.startsWith(path.join('subgraphs', 'logistics-coordination-cell') + path.sep));
    for (const file of ['.prettierrc.json', '.prettierignore']) fs.copyFileSync(path.join(PROJECT_ROOT, file), path.join(root, file));
    for (const file of created) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), plan.files.get(file)!);
    }
    const options = (await prettier.resolveConfig(path.join(root, 'x.ts')))!;
    const unformatted = async () => {
      const found: string[] = [];
      for (const file of created) {
        const filepath = path.join(root, file);
        const info = await prettier.getFileInfo(filepath, { ignorePath: path.join(root, '.prettierignore') });
        if (!info.ignored && info.inferredParser && !(await prettier.check(fs.readFileSync(filepath, 'utf8'), { ...options, filepath }))) found.push(file);
      }
      return found;
    };

    expect(options.printWidth, 'the repository settings are the ones in force').toBe(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, '.prettierrc.json'), 'utf8')).printWidth);
    const before = await unformatted();
    expect(before, 'the long name must make the template overflow, or this test proves nothing').not.toEqual([]);
    expect(await formatWritten(root, created)).toEqual(before);
    expect(await unformatted()).toEqual([]);
  }, 60_000);
});
