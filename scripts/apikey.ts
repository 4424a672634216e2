// `npm run apikey -- create --name <service> [--nation ISO3] [--org id] [--clearance LEVEL] [--scope s ...] [--role r ...]`
// `npm run apikey -- list` · `npm run apikey -- revoke <id>`
// Manages the API keys of dashboard service accounts (hashed in AUTH_API_KEYS_FILE, default DATA_DIR/auth/api-keys.json).
import { ApiKeyStore } from '@cmcc/gateway/auth/api-keys';
import { loadGatewayConfig } from '@cmcc/gateway/config';
import { CLASSIFICATIONS, type Classification } from '@cmcc/contracts';
import { parseCli, usageError } from '@cmcc/platform';

const USAGE = `Usage: npm run apikey -- <command> [options]   API keys of service accounts (hashed in AUTH_API_KEYS_FILE, default DATA_DIR/auth/api-keys.json)
  create --name <service> [--nation <ISO3>] [--org <id>] [--clearance <level>] [--scope <scope> ...] [--role <role> ...]
         prints the new key once; --org default CMCC, --clearance default UNCLASSIFIED (${CLASSIFICATIONS.join(', ')}),
         --scope default read:*, --role default dashboard (both repeatable)
  list   every key: id, name, clearance, created, revoked
  revoke <id>
         the key is refused from the next request on`;

const { values, positionals } = parseCli({
  usage: USAGE,
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    nation: { type: 'string' },
    org: { type: 'string', default: 'CMCC' },
    clearance: { type: 'string', default: 'UNCLASSIFIED' },
    scope: { type: 'string', multiple: true },
    role: { type: 'string', multiple: true },
  },
});
const [command, id] = positionals;
if (!command || !['create', 'list', 'revoke'].includes(command)) usageError(USAGE, command ? `Unknown command "${command}".` : 'Name a command.');
const store = new ApiKeyStore(loadGatewayConfig().auth.apiKeysFile);

switch (command) {
  case 'create': {
    const clearance = values.clearance!.toUpperCase() as Classification;
    if (!values.name || !CLASSIFICATIONS.includes(clearance)) {
      usageError(USAGE, `create needs --name and a --clearance of ${CLASSIFICATIONS.join(', ')}`);
    }
    const created = store.create(values.name, {
      subject: `svc:${values.name}`,
      nation: values.nation?.toUpperCase() ?? null,
      organization: values.org ?? null,
      workingGroups: [],
      roles: values.role ?? ['dashboard'],
      scopes: values.scope ?? ['read:*'],
      clearance,
      participant: true,
    });
    console.log(`API key ${created.id} for ${values.name} (shown once, store it now; send it as the x-api-key header):\n${created.key}`);
    break;
  }
  case 'list':
    for (const key of store.list()) {
      console.log(`${key.id}  ${key.name.padEnd(24)} ${key.principal.clearance.padEnd(12)} created ${key.createdAt}${key.revokedAt ? `  REVOKED ${key.revokedAt}` : ''}`);
    }
    break;
  case 'revoke':
    if (!id || !store.revoke(id)) {
      console.error(`No active key with id ${id ?? '(none given)'}`);
      process.exit(1);
    }
    console.log(`Revoked ${id}; it is refused from the next request on.`);
    break;
}
