import type { AuditEventContent } from '@cmcc/audit-trail';

/** A plausible audit event for tests of the trail itself (the plugin's events are tested through the gateway). */
export function sampleEvent(n: number, overrides: Partial<AuditEventContent> = {}): AuditEventContent {
  return {
    id: `event-${n}-${Math.random().toString(36).slice(2)}`,
    time: new Date(Date.UTC(2025, 10, 22, 8, 0, n)).toISOString(),
    requestId: `request-${n}`,
    principal: { subject: n % 2 ? 'us-analyst' : 'wfp', nation: n % 2 ? 'USA' : null, organization: n % 2 ? 'CMCC' : 'XM-DAC-41140', roles: [], clearance: 'UNCLASSIFIED' },
    client: { name: 'dashboard', version: '1.0.0' },
    operation: { name: 'Situation', type: 'query', hash: 'a'.repeat(64), document: 'query Situation { areas { pcode } }' },
    variables: null,
    fields: ['Area.pcode', 'Query.areas'],
    entities: [{ field: 'areas', type: 'Area', key: `PS02${55 + (n % 5) * 5}` }],
    subgraphs: ['civil-administration'],
    authorization: { removed: [], withheld: [] },
    outcome: { status: 'OK', httpStatus: 200, errorCodes: [], errorCount: 0 },
    durationMs: 12.5,
    ...overrides,
  };
}
