import { loadAlertConfig, loadAuditConfig } from '@cmcc/audit-trail';
import { runSubgraph } from '@cmcc/subgraph-kit';
import { audit } from './server.ts';

// Refuse to start on bad AUDIT_* (and AUDIT_ALERT_*) settings rather than fail on the first query.
loadAuditConfig(process.env);
loadAlertConfig(process.env);
await runSubgraph(audit);
