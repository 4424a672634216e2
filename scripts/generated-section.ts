import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a file's generated part, or with `check` only says whether it is current (exit 1 when stale). One helper for
 * every generator of a committed section (the README's variable table, docs/architecture.md), so each says the same.
 */
export function writeOrCheck(options: { file: string; what: string; updated: string; command: string; check: boolean; root: string }): void {
  const { file, what, updated, command, check, root } = options;
  const name = path.relative(root, file);
  const current = fs.readFileSync(file, 'utf8');
  if (check) {
    if (updated !== current) {
      console.error(`${name}: ${what} is out of date; run \`${command}\` and commit the result.`);
      process.exit(1);
    }
    console.log(`${name}: ${what} is up to date.`);
  } else if (updated !== current) {
    fs.writeFileSync(file, updated);
    console.log(`${name}: ${what} rewritten.`);
  } else {
    console.log(`${name}: ${what} was already up to date.`);
  }
}
