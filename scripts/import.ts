// `npm run import -- <group> <kind> <file> [--skip-invalid] [--json] [--as <who>] [--marking <json>]`
// Imports an agency file into a working group's database (the same one the subgraph uses: DATABASE_URL, or the
// embedded database under DATA_DIR, which must not be in use by a running subgraph at the same time). With REDIS_URL
// (and GATEWAY_CACHE_KEY_PREFIX) as the gateways have them, an import that changed records evicts the gateways' cached responses.
import os from 'node:os';
import path from 'node:path';
import { loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';
import { parseCli, usageError } from '@cmcc/platform';
import type { AccessMarking } from '@cmcc/subgraph-kit';

const groups = loadSubgraphList().map((s) => s.name);
const USAGE = `Usage: npm run import -- <group> <kind> <file> [--skip-invalid] [--json] [--as <who>] [--marking <json>]
  <group>          the working group whose database receives the rows: ${groups.join(', ')}
  <kind>           what the file holds (npm run import -- <group> lists the kinds of a group)
  <file>           CSV, HXL-tagged CSV or JSON
  --skip-invalid   import the good rows and report the others (default: any bad row imports nothing)
  --json           print the report as JSON
  --as <who>       recorded as the author of the changes (default import:<OS user>)
  --marking <json> the marking of rows that state none, e.g.
                   '{"classification":"UNCLASSIFIED","tlp":"TLP:GREEN","releasableTo":["CMCC"],"originator":"XM-DAC-41127"}'
                   (there is no default marking: a row without one, and no --marking, is a row error)
Exit code: 0 imported, 1 nothing imported, 2 bad usage, 3 imported with rows skipped.`;

const { values, positionals } = parseCli({
  usage: USAGE,
  allowPositionals: true,
  options: { 'skip-invalid': { type: 'boolean' }, json: { type: 'boolean' }, as: { type: 'string' }, marking: { type: 'string' } },
});
const [group, kindName, file] = positionals;
if (positionals.length > 3) usageError(USAGE, `One file at a time; got ${positionals.slice(2).join(' ')}.`);
function usage(message: string): never {
  return usageError(USAGE, message);
}

if (!group || !groups.includes(group)) usage(`The group must be one of: ${groups.join(', ')}`);
// Loaded after the command line is read, so `--help` and usage errors answer at once.
const { ImportFileError, importFile, loadDefinition, loadSubgraphConfig, openDatabase, parseTlp, prepareDatabase, schemaNameOf, validateMarking } =
  await import('@cmcc/subgraph-kit');
const { evictAllResponses } = await import('@cmcc/gateway/cache/broadcast');
const { parsePerformanceConfig } = await import('@cmcc/gateway/performance-config');
const definition = await loadDefinition(group, PROJECT_ROOT);
const kinds = definition.importers ?? [];
const kind = kinds.find((k) => k.kind === kindName);
if (!kind) usage(`${group} imports these kinds: ${kinds.map((k) => `${k.kind} (${k.description})`).join('; ') || 'none'}`);
if (!file) usage('Name the file to import');
// A file published under one marking says so here; without it, every row must state its own (there is no default).
let fileMarking: AccessMarking | undefined;
if (values.marking) {
  try {
    const given = JSON.parse(values.marking) as Partial<AccessMarking>;
    fileMarking = { releasableTo: [], recipients: [], caveats: [], ...given, tlp: parseTlp(String(given.tlp ?? '')) } as AccessMarking;
  } catch (error) {
    usage(`--marking must be a JSON marking (classification, tlp, releasableTo, originator): ${(error as Error).message}`);
  }
  const problems = validateMarking(fileMarking!, ['marking']);
  if (problems.length > 0) usage(`--marking: ${problems.map((problem) => problem.message).join('; ')}`);
}

const config = loadSubgraphConfig(definition.name, definition.defaultPort);
const db = await openDatabase({
  schema: schemaNameOf(definition.name),
  databaseUrl: config.databaseUrl,
  dataDir: path.join(config.dataDir, definition.name),
  postgres: config.postgres,
});
let exitCode = 0;
try {
  await prepareDatabase(definition, db, { seed: config.seed });
  const report = await importFile(db, kind, path.resolve(file), {
    skipInvalid: values['skip-invalid'] ?? false,
    subject: values.as ?? `import:${os.userInfo().username}`,
    marking: fileMarking,
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
      (error: Error) => console.error(`The gateways' cached responses could not be evicted (${error.message}): they expire within GATEWAY_RESPONSE_CACHE_MAX_AGE_SECONDS.`),
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
