// `npm run import -- <group> <kind> <file> [--skip-invalid] [--json] [--as <who>] [--marking <json>]`
// Imports an agency file into a working group's database (the same one the subgraph uses: DATABASE_URL, or the
// embedded database under DATA_DIR, which must not be in use by a running subgraph at the same time).
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSubgraphList } from '../schema/composition.ts';
import {
  ImportFileError,
  importFile,
  loadSubgraphConfig,
  openDatabase,
  parseTlp,
  prepareDatabase,
  schemaNameOf,
  validateMarking,
  type AccessMarking,
} from '../subgraphs/kit/src/index.ts';
import { loadDefinition } from './definitions.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'skip-invalid': { type: 'boolean' }, json: { type: 'boolean' }, as: { type: 'string' }, marking: { type: 'string' } },
});
const [group, kindName, file] = positionals;
const groups = loadSubgraphList().map((s) => s.name);

function usage(message: string): never {
  console.error(
    `${message}\nUsage: npm run import -- <group> <kind> <file> [--skip-invalid] [--json] [--as <who>] [--marking <json>]\n` +
      '  --marking: the marking of rows that state none, e.g. \'{"classification":"UNCLASSIFIED","tlp":"GREEN","releasableTo":["CMCC"],"originator":"XM-DAC-41127"}\'',
  );
  process.exit(2);
}

if (!group || !groups.includes(group)) usage(`The group must be one of: ${groups.join(', ')}`);
const definition = await loadDefinition(group);
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
const db = await openDatabase({ schema: schemaNameOf(definition.name), databaseUrl: config.databaseUrl, dataDir: path.join(config.dataDir, definition.name) });
let exitCode = 0;
try {
  await prepareDatabase(definition, db);
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
  exitCode = report.committed && (report.problemCount === 0 || values['skip-invalid']) ? (report.problemCount > 0 ? 3 : 0) : 1;
} catch (error) {
  if (!(error instanceof ImportFileError)) throw error;
  console.error(`Nothing imported: ${error.message}`);
  exitCode = 1;
} finally {
  await db.close();
}
process.exit(exitCode);
