import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { runToEnd, type ProcessOutcome } from '@cmcc/test-support/process';

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
