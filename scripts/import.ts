// `npm run import -- <group> <kind> <file> [--skip-invalid] [--json] [--as <who>]`
// Imports an agency file into a working group's database (the same one the subgraph uses: DATABASE_URL, or the
// embedded database under DATA_DIR, which must not be in use by a running subgraph at the same time). With REDIS_URL
// (and CACHE_KEY_PREFIX) as the gateways have them, an import that changed records evicts the gateways' cached responses.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSubgraphList } from '../schema/composition.ts';
import { ImportFileError, importFile, loadSubgraphConfig, openDatabase, prepareDatabase, schemaNameOf } from '../subgraphs/kit/src/index.ts';
import { loadDefinition } from './definitions.ts';
import { evictAllResponses } from '../gateway/src/cache/broadcast.ts';
import { parsePerformanceConfig } from '../gateway/src/performance-config.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'skip-invalid': { type: 'boolean' }, json: { type: 'boolean' }, as: { type: 'string' } },
});
const [group, kindName, file] = positionals;
const groups = loadSubgraphList().map((s) => s.name);

function usage(message: string): never {
  console.error(`${message}\nUsage: npm run import -- <group> <kind> <file> [--skip-invalid] [--json] [--as <who>]`);
  process.exit(2);
}

if (!group || !groups.includes(group)) usage(`The group must be one of: ${groups.join(', ')}`);
const definition = await loadDefinition(group);
const kinds = definition.importers ?? [];
const kind = kinds.find((k) => k.kind === kindName);
if (!kind) usage(`${group} imports these kinds: ${kinds.map((k) => `${k.kind} (${k.description})`).join('; ') || 'none'}`);
if (!file) usage('Name the file to import');

const config = loadSubgraphConfig(definition.name, definition.defaultPort);
const db = await openDatabase({ schema: schemaNameOf(definition.name), databaseUrl: config.databaseUrl, dataDir: path.join(config.dataDir, definition.name) });
let exitCode = 0;
try {
  await prepareDatabase(definition, db);
  const report = await importFile(db, kind, path.resolve(file), {
    skipInvalid: values['skip-invalid'] ?? false,
    subject: values.as ?? `import:${os.userInfo().username}`,
  });
  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(`${report.file} (${report.format}, ${report.kind}): ${report.rowsRead} rows read`);
    for (const p of report.problems) console.log(`  row ${p.row}${p.column ? `, ${p.column}` : ''}${p.value ? ` "${p.value}"` : ''}: ${p.problem}`);
    if (report.problemCount > report.problems.length) console.log(`  ... and ${report.problemCount - report.problems.length} more problems`);
    console.log(
      report.committed
        ? `Imported: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected} rejected.`
        : `Nothing imported: fix the ${report.problemCount} problem(s) above, or import the good rows with --skip-invalid.`,
    );
  }
  // No gateway saw these changes as a mutation; any cached answer or figure may count a changed record.
  const { redisUrl, cacheKeyPrefix } = parsePerformanceConfig(process.env, []);
  if (report.committed && report.created + report.updated > 0 && redisUrl) {
    await evictAllResponses(redisUrl, cacheKeyPrefix).then(
      (keys) => !values.json && console.log(`Gateway response cache evicted (${keys} Redis keys; in-memory caches told).`),
      (error: Error) => console.error(`The gateways' cached responses could not be evicted (${error.message}): they expire within RESPONSE_CACHE_MAX_AGE_SECONDS.`),
    );
  }
  exitCode = report.committed && (report.problemCount === 0 || values['skip-invalid']) ? (report.problemCount > 0 ? 3 : 0) : 1;
} catch (error) {
  if (!(error instanceof ImportFileError)) throw error;
  console.error(`Nothing imported: ${error.message}`);
  exitCode = 1;
} finally {
  await db.close();
}
process.exit(exitCode);
