import { loadAuditConfig } from '../../../gateway/src/audit/config.ts';
import { runSubgraph } from '../../kit/src/index.ts';
import { audit } from './server.ts';

// Refuse to start on bad AUDIT_* settings rather than fail on the first query.
loadAuditConfig(process.env);
await runSubgraph(audit);
