// `npm run schema -- check|publish|history|diff|rollback ...`: schema governance against the registry (Redis when
// REDIS_URL is set, else files under SCHEMA_REGISTRY_DIR). `npm run schema -- --help` lists the commands.
// Exit code: 0 passed, 1 check failed, 2 bad usage, bad configuration or registry unreachable.
import { runSchemaCommand } from '@cmcc/governance/cli';

const code = await runSchemaCommand(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
