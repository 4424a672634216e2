import fs from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';

/**
 * Formats files new-subgraph wrote as `npm run format` would: the template is formatted, but a longer subgraph or
 * entity name can push one of its lines past the print width, and `npm run format:check` (in `npm test`) would fail on
 * the new subgraph. Files Prettier ignores (`.prettierignore`) or has no parser for stay as written. Returns the files
 * it changed, relative to `root`.
 */
export async function formatWritten(root: string, files: Iterable<string>): Promise<string[]> {
  const changed: string[] = [];
  for (const file of files) {
    const absolute = path.join(root, file);
    const info = await prettier.getFileInfo(absolute, { ignorePath: path.join(root, '.prettierignore') });
    if (info.ignored || !info.inferredParser) continue;
    const text = fs.readFileSync(absolute, 'utf8');
    const formatted = await prettier.format(text, { ...(await prettier.resolveConfig(absolute)), filepath: absolute });
    if (formatted === text) continue;
    fs.writeFileSync(absolute, formatted);
    changed.push(file);
  }
  return changed;
}
