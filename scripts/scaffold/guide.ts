import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { TEMPLATE_NAME } from './names.ts';

/**
 * The "Changing your schema" guide is written once, in packages/subgraph-kit/template/schema-guide.md, for the template's
 * subgraph `sample-group`; every subgraph README carries it with its own name between these markers.
 */
export const GUIDE_START = '<!-- schema-guide:start (generated from packages/subgraph-kit/template/schema-guide.md by `npm run schema-guides`; edit it there) -->';
export const GUIDE_END = '<!-- schema-guide:end -->';
export const GUIDE_SOURCE = path.join(PROJECT_ROOT, 'packages', 'subgraph-kit', 'template', 'schema-guide.md');

export function renderGuide(subgraph: string, source = fs.readFileSync(GUIDE_SOURCE, 'utf8')): string {
  return source.split(TEMPLATE_NAME.kebab).join(subgraph);
}

/** The README with the guide for `subgraph` between the markers (appended at the end when the README has none). */
export function withGuide(readme: string, subgraph: string, source?: string): string {
  const section = `${GUIDE_START}\n\n${renderGuide(subgraph, source).trim()}\n\n${GUIDE_END}`;
  const start = readme.indexOf(GUIDE_START);
  const end = readme.indexOf(GUIDE_END);
  if (start >= 0 && end > start) return readme.slice(0, start) + section + readme.slice(end + GUIDE_END.length);
  return `${readme.trimEnd()}\n\n${section}\n`;
}
