import path from 'node:path';
import type { Plugin } from 'vitest/config';
import type { Reporter, TestModule } from 'vitest/node';

/** How many files the summary lists. */
const COUNT = 10;

/** After a run, prints the test files that took longest (import and setup, then tests and hooks), slowest first. */
export class SlowestFilesReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const timed = testModules.map((module) => {
      const d = module.diagnostic();
      const setup = d.environmentSetupDuration + d.prepareDuration + d.collectDuration + d.setupDuration;
      return { file: path.relative(process.cwd(), module.moduleId), total: setup + d.duration, setup, tests: d.duration };
    });
    if (timed.length === 0) return;
    timed.sort((a, b) => b.total - a.total);
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(8);
    const lines = timed.slice(0, COUNT).map((t) => `${seconds(t.total)}  ${t.file}  (import ${seconds(t.setup).trim()}, tests and hooks ${seconds(t.tests).trim()})`);
    process.stdout.write(`\n Slowest test files:\n${lines.map((line) => `  ${line}`).join('\n')}\n`);
  }
}

/**
 * The reporter as a plugin: `--reporter` on the command line (CI passes `--reporter=default --reporter=json`) replaces
 * the config's `reporters`, so the summary is appended to the resolved reporters instead, which holds either way.
 */
export function slowestFiles(): Plugin {
  return {
    name: 'cmcc:slowest-test-files',
    configureVitest({ vitest }) {
      (vitest.config.reporters as unknown[]).push(new SlowestFilesReporter());
    },
  };
}
