/**
 * The audit view at /explorer/audit (issue 20, point 3): the gateway's audit trail for auditors, without writing GraphQL.
 * A filter form made from the schema's `AuditEventFilter` (./audit-filter.ts), a timeline of the matching events newest
 * first with cursor paging, an event's details when it is opened (operation, variables, document and what came back, as
 * released to this auditor: a redacted event says so), and the chain's verification with its last signed checkpoint.
 * It sends only saved operations (bundled from schema/operations/ by ../bundle.ts), to the gateway's /graphql with the
 * reader's token, as the editor does; a reader without `audit:read` is told so instead of the view.
 */
import { createElement as h, Fragment, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import AUDIT_TIMELINE from 'explorer:AuditTimeline';
import AUDIT_CHAIN_STATUS from 'explorer:AuditChainStatus';
import AUDIT_EVENT_FILTER_FIELDS from 'explorer:AuditEventFilterFields';
import { tokenClaims } from '../../web/client/sign-in.ts';
import { describeServiceStatus, serviceStatusOf } from '../../web/client/service-status.ts';
import { filterFields, filterVariable, leafFields, type FilterField, type FilterValues, type IntrospectedInputField } from './audit-filter.ts';
import { describeErrors, refusalOf, runOperation, type GraphQLError } from './graphql.ts';
import { TokenBar, useToken } from './shell.ts';

interface Marking {
  classification: string;
  nationalMarking: string | null;
  releasableTo: string[];
  tlp: string;
  originator: string;
  caveats: string[];
}

interface AuditEvent {
  id: string;
  time: string;
  requestId: string | null;
  claimedRequestId: string | null;
  redacted: boolean;
  markingsComplete: boolean;
  markings: Marking[];
  principal: { subject: string; nation: string | null; organization: string | null; roles: string[]; clearance: string } | null;
  client: { name: string | null; version: string | null };
  operation: { name: string | null; type: string | null; hash: string | null; document: string | null };
  variables: string | null;
  fields: string[];
  entities: { type: string; key: string; field: string; version: number | null }[];
  entitiesTruncated: boolean;
  subgraphs: string[];
  authorization: { removed: { path: string; coordinate: string }[]; withheld: { path: string; service: string | null }[] };
  outcome: { status: string; httpStatus: number; errorCodes: string[]; errorCount: number };
  durationMs: number;
  changes: { field: string; arguments: string; records: { type: string; key: string; version: number | null }[]; userErrors: string[] }[];
  chain: string;
  seq: number;
  hash: string;
  prevHash: string;
}

interface Timeline {
  auditEvents: { edges: { cursor: string; node: AuditEvent }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null;
}

interface ChainStatus {
  ok: boolean;
  verifiedUpToSeq: number;
  lastSeq: number | null;
  events: number;
  lastCheckpoint: { seq: number; time: string } | null;
  brokenAtSeq: number | null;
  problem: string | null;
  warnings?: string[];
  checkedAt?: string;
  storage: string;
  chains?: ChainStatus[];
}

const PAGE_SIZES = [25, 50, 100];
/**
 * The filters an auditor reaches for first (who, what operation, which record or field, whether it failed, when), shown
 * open; every other field of AuditEventFilter, a new one included, under "More filters".
 */
const FIRST_FILTERS = new Set(['principal', 'operationName', 'entityKey', 'field', 'failed', 'from', 'to']);
const DEFAULT_PAGE_SIZE = 25;
const PAGE_SIZE_PARAM = 'first';
/** Columns left out while an event's details take half the width (the details show them in full). */
const OPTIONAL_COLUMNS = new Set(['Fields read', 'Entities']);

/** Where the reader stands: what the view can show them. */
type Access =
  { kind: 'signed-out' } | { kind: 'checking' } | { kind: 'refused'; message: string } | { kind: 'unavailable'; message: string } | { kind: 'ready'; fields: FilterField[] };

interface Page {
  loading: boolean;
  /** The filter and page size the pages are of (what was last searched). */
  query?: { filter: Record<string, unknown> | undefined; first: number };
  /** `after` of each page so far: undefined for the first (newest) one. */
  cursors: (string | undefined)[];
  edges: { cursor: string; node: AuditEvent }[];
  hasNextPage: boolean;
  endCursor: string | null;
  error?: string;
  /** Which working groups failed for the last answer (the audit service, when it is down). */
  serviceLines: string[];
}

const EMPTY_PAGE: Page = { loading: false, cursors: [undefined], edges: [], hasNextPage: false, endCursor: null, serviceLines: [] };

function initialValues(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(window.location.search)) values[name] = value;
  return values;
}

function initialPageSize(): number {
  const given = Number(new URLSearchParams(window.location.search).get(PAGE_SIZE_PARAM));
  return PAGE_SIZES.includes(given) ? given : DEFAULT_PAGE_SIZE;
}

/** What the reader typed, in the page's address, so a filtered timeline can be reloaded, bookmarked or passed on. */
function rememberInAddress(fields: readonly FilterField[], values: FilterValues, first: number): void {
  const params = new URLSearchParams();
  for (const field of leafFields(fields)) if ((values[field.key] ?? '').trim()) params.set(field.key, values[field.key].trim());
  if (first !== DEFAULT_PAGE_SIZE) params.set(PAGE_SIZE_PARAM, String(first));
  const search = params.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${search ? `?${search}` : ''}`);
}

function when(time: string | null | undefined): ReactNode {
  if (!time) return '—';
  const date = new Date(time);
  return h('time', { dateTime: time, title: time }, Number.isNaN(date.getTime()) ? time : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }));
}

function who(principal: AuditEvent['principal']): string {
  if (!principal) return 'not authenticated';
  return principal.subject;
}

function whoDetail(principal: AuditEvent['principal']): string {
  if (!principal) return '';
  return [principal.nation, principal.organization, principal.clearance].filter(Boolean).join(' · ');
}

function operationLabel(operation: AuditEvent['operation']): string {
  return `${operation.type ?? 'unparsed'} ${operation.name ?? '(anonymous)'}`;
}

function OutcomeBadge(props: { outcome: AuditEvent['outcome'] }): ReactNode {
  const { status, httpStatus, errorCodes } = props.outcome;
  return h(
    'span',
    { className: 'audit-outcome-cell' },
    h('span', { className: `audit-outcome audit-outcome-${status.toLowerCase()}` }, `${status} · HTTP ${httpStatus}`),
    errorCodes.length > 0 ? h('span', { className: 'audit-codes' }, errorCodes.join(', ')) : null,
  );
}

/** A term and its description, or nothing when there is nothing to say. */
function item(term: string, description: ReactNode): ReactNode {
  if (description === null || description === undefined || description === '') return null;
  return h(Fragment, { key: term }, h('dt', null, term), h('dd', null, description));
}

function list(values: readonly string[], empty = 'none'): ReactNode {
  return values.length === 0
    ? h('span', { className: 'cmcc-muted' }, empty)
    : h(
        'ul',
        { className: 'audit-list' },
        values.map((value, index) => h('li', { key: index }, value)),
      );
}

function prettyJson(text: string | null): string | null {
  if (text === null) return null;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function ChainPanel(props: { chain: ChainStatus | null | undefined; error?: string; loading: boolean; onVerify: () => void }): ReactNode {
  const { chain, error, loading } = props;
  const verdict = !chain
    ? h('p', { 'data-testid': 'chain-verdict', className: error ? 'cmcc-error' : 'cmcc-muted' }, error ?? (loading ? 'Verifying the chain…' : 'Not verified yet.'))
    : chain.ok
      ? h(
          'p',
          { 'data-testid': 'chain-verdict', className: 'audit-verdict audit-verdict-ok' },
          h('strong', null, 'Intact.'),
          ` Every record up to seq ${chain.verifiedUpToSeq} verifies (hashes, signed checkpoints and signed head); ${chain.events} events.`,
        )
      : h(
          'p',
          { 'data-testid': 'chain-verdict', className: 'audit-verdict audit-verdict-broken', role: 'alert' },
          h('strong', null, `Broken at seq ${chain.brokenAtSeq ?? '?'}.`),
          ` ${chain.problem ?? ''} Records up to seq ${chain.verifiedUpToSeq} verify.`,
        );
  return h(
    'section',
    { className: 'audit-chain', 'aria-labelledby': 'audit-chain-title', 'aria-busy': loading },
    h(
      'div',
      { className: 'audit-chain-head' },
      h('h2', { id: 'audit-chain-title' }, 'Chain verification'),
      h('button', { type: 'button', className: 'cmcc-button', onClick: props.onVerify, disabled: loading }, loading ? 'Verifying…' : 'Verify again'),
    ),
    verdict,
    chain
      ? h(
          'dl',
          { className: 'audit-facts' },
          item(
            'Last signed checkpoint',
            chain.lastCheckpoint
              ? h('span', { 'data-testid': 'last-checkpoint' }, `seq ${chain.lastCheckpoint.seq}, `, when(chain.lastCheckpoint.time))
              : h('span', { 'data-testid': 'last-checkpoint' }, 'none yet (the chain is signed every few events or seconds, and at shutdown)'),
          ),
          item('Last record', chain.lastSeq === null ? 'none (empty trail)' : `seq ${chain.lastSeq}`),
          item('Stored in', chain.storage),
          item('Checked', when(chain.checkedAt)),
        )
      : null,
    chain?.warnings?.length ? h('div', { className: 'audit-warnings' }, h('h3', null, 'Warnings'), list(chain.warnings)) : null,
    chain?.chains && chain.chains.length > 1
      ? h(
          'table',
          { className: 'audit-table audit-chains' },
          h('caption', null, `${chain.chains.length} chains, one per gateway replica`),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Chain', 'Status', 'Events', 'Last signed checkpoint'].map((title) => h('th', { key: title, scope: 'col' }, title)),
            ),
          ),
          h(
            'tbody',
            null,
            chain.chains.map((one) =>
              h(
                'tr',
                { key: one.storage },
                h('td', null, one.storage),
                h('td', null, one.ok ? 'intact' : `broken at seq ${one.brokenAtSeq ?? '?'}: ${one.problem ?? ''}`),
                h('td', null, String(one.events)),
                h('td', null, one.lastCheckpoint ? h(Fragment, null, `seq ${one.lastCheckpoint.seq}, `, when(one.lastCheckpoint.time)) : 'none yet'),
              ),
            ),
          ),
        )
      : null,
  );
}

/** The control's id: `audit-filter-principal`, `audit-filter-marking-tlp`. */
function controlId(field: FilterField): string {
  return `audit-filter-${field.key.replace(/\./g, '-')}`;
}

function FilterControl(props: { field: FilterField; values: FilterValues; onChange: (key: string, value: string) => void }): ReactNode {
  const { field, values, onChange } = props;
  const id = controlId(field);
  const hint = `${id}-hint`;
  const value = values[field.key] ?? '';
  const note = field.input === 'datetime' ? ' (your local time)' : field.list && field.enumValues.length === 0 ? ' (several: separate them with commas)' : '';
  const description = h('small', { id: hint, className: 'cmcc-muted' }, `${field.description}${note}`);
  // An input nested in the filter (e.g. a marking's criteria): its fields together, under its name.
  if (field.input === 'group') {
    return h(
      'fieldset',
      { id, className: 'audit-field audit-group', 'data-filter': field.name, 'aria-describedby': hint },
      h('legend', null, field.label),
      description,
      h(
        'div',
        { className: 'audit-group-fields' },
        field.fields.map((inner) => h(FilterControl, { key: inner.key, field: inner, values, onChange })),
      ),
    );
  }
  // Several values of an enum: a checkbox each, kept as a comma-separated list like any other list.
  if (field.input === 'enum' && field.list) {
    const chosen = new Set(
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    );
    const toggle = (name: string, on: boolean) => {
      const next = field.enumValues.map((option) => option.name).filter((option) => (option === name ? on : chosen.has(option)));
      onChange(field.key, next.join(','));
    };
    return h(
      'fieldset',
      { id, className: 'audit-field audit-choices', 'data-filter': field.name, 'aria-describedby': hint },
      h('legend', null, field.label),
      field.enumValues.map((option) =>
        h(
          'label',
          { key: option.name, className: 'audit-choice', title: option.description },
          h('input', {
            type: 'checkbox',
            name: field.key,
            value: option.name,
            checked: chosen.has(option.name),
            onChange: (event: { target: { checked: boolean } }) => toggle(option.name, event.target.checked),
          }),
          ` ${option.name}`,
        ),
      ),
      description,
    );
  }
  const common = { id, name: field.key, 'aria-describedby': hint, value, onChange: (event: { target: { value: string } }) => onChange(field.key, event.target.value) };
  let control: ReactNode;
  if (field.input === 'enum') {
    control = h(
      'select',
      common,
      h('option', { value: '' }, 'Any'),
      field.enumValues.map((option) => h('option', { key: option.name, value: option.name, title: option.description }, option.name)),
    );
  } else if (field.input === 'boolean' && !field.list) {
    control = h('select', common, h('option', { value: '' }, 'Any'), h('option', { value: 'true' }, 'Yes'), h('option', { value: 'false' }, 'No'));
  } else if (field.list) {
    control = h('input', { ...common, type: 'text', spellCheck: false, placeholder: 'comma-separated' });
  } else {
    const type = { datetime: 'datetime-local', date: 'date', integer: 'number', number: 'number', text: 'text', json: 'text', enum: 'text', boolean: 'text', group: 'text' }[
      field.input
    ];
    control = h('input', {
      ...common,
      type,
      spellCheck: false,
      step: field.input === 'number' ? 'any' : undefined,
      placeholder: field.input === 'json' ? `JSON (${field.typeName})` : undefined,
    });
  }
  return h('div', { className: 'audit-field', 'data-filter': field.name }, h('label', { htmlFor: id }, field.label), control, description);
}

function EventRow(props: { event: AuditEvent; selected: boolean; onOpen: (event: AuditEvent) => void }): ReactNode {
  const { event, selected } = props;
  return h(
    'tr',
    { className: selected ? 'audit-row audit-row-selected' : 'audit-row', 'data-event': event.id, onClick: () => props.onOpen(event) },
    h(
      'td',
      null,
      h(
        'button',
        {
          type: 'button',
          id: `audit-open-${event.id}`,
          className: 'audit-open',
          'aria-expanded': selected,
          'aria-controls': 'audit-detail',
          onClick: (click: { stopPropagation: () => void }) => {
            click.stopPropagation();
            props.onOpen(event);
          },
        },
        when(event.time),
      ),
    ),
    h('td', null, h('span', { className: 'audit-who' }, who(event.principal)), h('br'), h('small', { className: 'cmcc-muted' }, whoDetail(event.principal))),
    h('td', null, operationLabel(event.operation), event.redacted ? h('span', { className: 'audit-redacted-badge', title: 'Its payload is withheld from you' }, 'redacted') : null),
    h('td', null, h(OutcomeBadge, { outcome: event.outcome })),
    h(
      'td',
      { className: 'audit-optional' },
      event.fields.length > 0
        ? `${event.fields.slice(0, 2).join(', ')}${event.fields.length > 2 ? ` +${event.fields.length - 2}` : ''}`
        : h('span', { className: 'cmcc-muted' }, '—'),
    ),
    h(
      'td',
      { className: 'audit-optional' },
      event.entities.length > 0
        ? `${[...new Set(event.entities.map((entity) => entity.key))].slice(0, 3).join(', ')}${event.entities.length > 3 ? ' …' : ''}`
        : h('span', { className: 'cmcc-muted' }, event.redacted ? 'withheld' : '—'),
    ),
    h('td', { title: event.chain }, `#${event.seq}`),
  );
}

function EventDetail(props: { event: AuditEvent; onClose: () => void }): ReactNode {
  const { event } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  // Opening an event takes the reader (and a screen reader) to it.
  useEffect(() => heading.current?.focus(), [event.id]);
  const withheld = h('span', { className: 'cmcc-muted' }, 'withheld (redacted)');
  const variables = prettyJson(event.variables);
  return h(
    'section',
    {
      id: 'audit-detail',
      className: 'audit-detail',
      'aria-labelledby': 'audit-detail-title',
      onKeyDown: (key: { key: string }) => {
        if (key.key === 'Escape') props.onClose();
      },
    },
    h(
      'div',
      { className: 'audit-detail-head' },
      h('h2', { id: 'audit-detail-title', tabIndex: -1, ref: heading }, `${operationLabel(event.operation)}`),
      h('button', { type: 'button', className: 'cmcc-button', onClick: props.onClose, 'aria-label': 'Close the event' }, 'Close'),
    ),
    h('p', { className: 'cmcc-muted' }, when(event.time), ` · ${who(event.principal)} · `, h(OutcomeBadge, { outcome: event.outcome })),
    event.redacted
      ? h(
          'p',
          { className: 'audit-redacted', role: 'note', 'data-testid': 'redacted-notice' },
          h('strong', null, 'Redacted for you. '),
          'This event’s payload (variables, document, entities, changes, markings and response paths) is withheld: the markings of the records it describes do not all release those records to you, or are not all known. Who acted, when, the operation’s name, the fields it read, the subgraphs it called and how it ended remain.',
        )
      : null,
    h('h3', null, 'Who'),
    h(
      'dl',
      { className: 'audit-facts' },
      item('Principal', event.principal ? event.principal.subject : 'not authenticated'),
      item('Nation', event.principal?.nation),
      item('Organisation', event.principal?.organization),
      item('Clearance', event.principal?.clearance),
      item('Roles', event.principal?.roles.join(', ')),
      item('Client (as claimed)', [event.client.name, event.client.version].filter(Boolean).join(' ') || 'not named'),
    ),
    h('h3', null, 'Operation'),
    h(
      'dl',
      { className: 'audit-facts' },
      item('Name', event.operation.name ?? '(anonymous)'),
      item('Type', event.operation.type ?? 'not parsed'),
      item('Document hash', event.redacted ? withheld : h('code', null, event.operation.hash ?? '—')),
      item('Variables', event.redacted ? withheld : variables === null ? 'none' : h('pre', { className: 'audit-code', 'data-testid': 'event-variables' }, variables)),
      item(
        'Document',
        event.redacted ? withheld : event.operation.document ? h('pre', { className: 'audit-code', 'data-testid': 'event-document' }, event.operation.document) : 'not recorded',
      ),
    ),
    h('h3', null, 'What came back'),
    h(
      'dl',
      { className: 'audit-facts' },
      item('Outcome', h(OutcomeBadge, { outcome: event.outcome })),
      item('Errors', `${event.outcome.errorCount}${event.outcome.errorCodes.length ? ` (${event.outcome.errorCodes.join(', ')})` : ''}`),
      item('Duration', `${event.durationMs.toFixed(1)} ms`),
      item('Fields read', list(event.fields)),
      item('Subgraphs called', list(event.subgraphs, 'none (answered by the gateway, e.g. from its cache)')),
      item(
        'Entities returned',
        event.redacted
          ? withheld
          : event.entities.length === 0
            ? 'none'
            : h(
                Fragment,
                null,
                h(
                  'table',
                  { className: 'audit-table' },
                  h(
                    'thead',
                    null,
                    h(
                      'tr',
                      null,
                      ['Type', 'Key', 'Field', 'Version'].map((title) => h('th', { key: title, scope: 'col' }, title)),
                    ),
                  ),
                  h(
                    'tbody',
                    null,
                    event.entities.map((entity, index) =>
                      h('tr', { key: index }, h('td', null, entity.type), h('td', null, entity.key), h('td', null, entity.field), h('td', null, entity.version ?? '—')),
                    ),
                  ),
                ),
                event.entitiesTruncated ? h('p', { className: 'cmcc-muted' }, 'More were returned than were recorded.') : null,
              ),
      ),
      item(
        'Removed by authorization',
        list(
          event.authorization.removed.map((removed) => `${removed.coordinate} at ${removed.path}`),
          'nothing',
        ),
      ),
      item(
        'Withheld by subgraphs',
        event.redacted
          ? withheld
          : list(
              event.authorization.withheld.map((record) => `${record.path}${record.service ? ` (${record.service})` : ''}`),
              'nothing',
            ),
      ),
      event.changes.length > 0
        ? item(
            'Changes',
            h(
              'ul',
              { className: 'audit-list' },
              event.changes.map((change, index) =>
                h(
                  'li',
                  { key: index },
                  h('strong', null, change.field),
                  h('pre', { className: 'audit-code' }, prettyJson(change.arguments)),
                  change.records.length
                    ? `Records: ${change.records.map((record) => `${record.type} ${record.key}${record.version ? ` v${record.version}` : ''}`).join(', ')}`
                    : null,
                  change.userErrors.length ? ` · user errors: ${change.userErrors.join(', ')}` : null,
                ),
              ),
            ),
          )
        : null,
    ),
    h('h3', null, 'Markings of the records it describes'),
    event.redacted
      ? h('p', null, withheld)
      : event.markings.length === 0
        ? h('p', { className: 'cmcc-muted' }, 'none recorded')
        : h(
            'ul',
            { className: 'audit-list' },
            event.markings.map((marking, index) =>
              h(
                'li',
                { key: index },
                [
                  marking.classification,
                  marking.nationalMarking,
                  `releasable to ${marking.releasableTo.join(', ') || 'originator only'}`,
                  `TLP:${marking.tlp}`,
                  marking.caveats.length ? `caveats ${marking.caveats.join(', ')}` : '',
                  `originator ${marking.originator}`,
                ]
                  .filter(Boolean)
                  .join(' · '),
              ),
            ),
          ),
    event.redacted ? null : h('p', { className: 'cmcc-muted' }, event.markingsComplete ? 'Every record’s marking is known.' : 'Not every record’s marking is known.'),
    h('h3', null, 'In the chain'),
    h(
      'dl',
      { className: 'audit-facts' },
      item('Event id', h('code', null, event.id)),
      item('Chain', event.chain),
      item('Seq', String(event.seq)),
      item('Hash', h('code', { className: 'audit-hash' }, event.hash)),
      item('Previous hash', h('code', { className: 'audit-hash' }, event.prevHash)),
      item('Request id', event.requestId),
      item('Request id the client sent (as claimed)', event.claimedRequestId),
    ),
  );
}

export function AuditView(): ReactNode {
  const [token, setToken] = useToken();
  const [access, setAccess] = useState<Access>({ kind: 'checking' });
  const [values, setValues] = useState<Record<string, string>>(initialValues);
  const [pageSize, setPageSize] = useState(initialPageSize);
  const [formProblems, setFormProblems] = useState<string[]>([]);
  // "More filters" starts open when the address gives one of them.
  const [moreOpen, setMoreOpen] = useState(() => Object.keys(initialValues()).some((key) => !FIRST_FILTERS.has(key.split('.')[0]) && key !== PAGE_SIZE_PARAM));
  const [page, setPage] = useState<Page>(EMPTY_PAGE);
  const [selected, setSelected] = useState<AuditEvent | null>(null);
  const [chain, setChain] = useState<{ loading: boolean; status?: ChainStatus | null; error?: string }>({ loading: false });
  // Answers to an older token or search are dropped: only the latest request of each kind may change the view.
  const generation = useRef({ page: 0, chain: 0 });

  const refuse = useCallback(
    (error: GraphQLError) => {
      const claims = tokenClaims(token);
      const subject = typeof claims?.sub === 'string' ? claims.sub : 'this principal';
      setAccess({
        kind: 'refused',
        message: `You are signed in as ${subject}, who may not read the audit trail: it is released only to auditors, principals holding the scope audit:read. Sign in as an auditor above, or ask your administrator for the scope. The gateway said: ${error.message}`,
      });
    },
    [token],
  );

  const verify = useCallback(async () => {
    const mine = ++generation.current.chain;
    setChain((previous) => ({ ...previous, loading: true }));
    const result = await runOperation<{ auditChainStatus: ChainStatus | null }>(token, AUDIT_CHAIN_STATUS);
    if (mine !== generation.current.chain) return;
    const refusal = refusalOf(result, 'auditChainStatus');
    if (refusal) return refuse(refusal);
    const status = result.data?.auditChainStatus;
    setChain({ loading: false, status, error: status ? undefined : `The chain could not be verified: ${describeErrors(result.errors) || 'no answer'}` });
  }, [token, refuse]);

  const load = useCallback(
    async (query: { filter: Record<string, unknown> | undefined; first: number }, cursors: (string | undefined)[]) => {
      const mine = ++generation.current.page;
      setPage((previous) => ({ ...previous, loading: true, query, cursors, error: undefined }));
      const after = cursors[cursors.length - 1];
      const result = await runOperation<Timeline>(token, AUDIT_TIMELINE, { filter: query.filter, first: query.first, ...(after ? { after } : {}) });
      if (mine !== generation.current.page) return;
      const refusal = refusalOf(result, 'auditEvents');
      if (refusal) return refuse(refusal);
      const connection = result.data?.auditEvents;
      const serviceLines = describeServiceStatus(serviceStatusOf(result));
      setPage({
        loading: false,
        query,
        cursors,
        edges: connection?.edges ?? [],
        hasNextPage: connection?.pageInfo.hasNextPage ?? false,
        endCursor: connection?.pageInfo.endCursor ?? null,
        error: connection ? undefined : describeErrors(result.errors) || 'The gateway gave no events.',
        serviceLines,
      });
    },
    [token, refuse],
  );

  const search = useCallback(
    (fields: readonly FilterField[]) => {
      const { filter, problems } = filterVariable(fields, values);
      setFormProblems(problems);
      if (problems.length > 0) return;
      rememberInAddress(fields, values, pageSize);
      void load({ filter, first: pageSize }, [undefined]);
    },
    [values, pageSize, load],
  );

  // A new token: who is this, may they read the trail, and what can they filter by?
  useEffect(() => {
    let current = true;
    generation.current.page++;
    generation.current.chain++;
    setPage(EMPTY_PAGE);
    setSelected(null);
    setChain({ loading: false });
    if (!token) {
      setAccess({ kind: 'signed-out' });
      return;
    }
    setAccess({ kind: 'checking' });
    void runOperation<{ __type: { inputFields: IntrospectedInputField[] } | null }>(token, AUDIT_EVENT_FILTER_FIELDS).then((result) => {
      if (!current) return;
      if (result.status === 401 || result.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) {
        setAccess({ kind: 'unavailable', message: 'The gateway did not accept the token above (expired, or not signed by a key it trusts): sign in again.' });
      } else if (!result.data?.__type) {
        setAccess({
          kind: 'unavailable',
          message: result.errors?.length
            ? `The audit trail’s filters could not be read from the schema: ${describeErrors(result.errors)}`
            : 'This gateway’s schema has no audit trail (no AuditEventFilter): the audit subgraph is not part of it.',
        });
      } else {
        setAccess({ kind: 'ready', fields: filterFields(result.data.__type.inputFields) });
      }
    });
    return () => {
      current = false;
    };
  }, [token]);

  // Once the form is known: the first page (of the filter in the address, if any) and the chain's verification.
  const ready = access.kind === 'ready' ? access.fields : null;
  useEffect(() => {
    if (!ready) return;
    const { filter, problems } = filterVariable(ready, values);
    setFormProblems(problems);
    void load({ filter: problems.length ? undefined : filter, first: pageSize }, [undefined]);
    void verify();
    // Only when the reader or the schema changes (not as the reader types: a search is theirs to start).
  }, [ready]);

  const close = useCallback(() => {
    const id = selected?.id;
    setSelected(null);
    // Back to where the reader was in the timeline.
    if (id) requestAnimationFrame(() => document.getElementById(`audit-open-${id}`)?.focus());
  }, [selected]);

  let body: ReactNode;
  if (access.kind === 'signed-out') {
    body = h(
      'p',
      { className: 'audit-message', role: 'status', 'data-testid': 'audit-message' },
      'Sign in to read the audit trail: choose a principal above (development) or paste a token, then press Enter. Only auditors (scope audit:read) may read it.',
    );
  } else if (access.kind === 'checking') {
    body = h('p', { className: 'audit-message cmcc-muted', role: 'status' }, 'Reading the audit trail’s filters from the schema…');
  } else if (access.kind === 'refused' || access.kind === 'unavailable') {
    body = h('p', { className: 'audit-message audit-message-refused', role: 'alert', 'data-testid': 'audit-message' }, access.message);
  } else {
    const fields = access.fields;
    // Where none of the usual filters exist (another schema), every field is shown open.
    const firstFields = fields.some((field) => FIRST_FILTERS.has(field.name)) ? fields.filter((field) => FIRST_FILTERS.has(field.name)) : fields;
    const moreFields = fields.filter((field) => !firstFields.includes(field));
    const control = (field: FilterField) =>
      h(FilterControl, { key: field.key, field, values, onChange: (key: string, value: string) => setValues((previous) => ({ ...previous, [key]: value })) });
    const first = page.cursors.length === 1;
    const start = (page.cursors.length - 1) * (page.query?.first ?? pageSize) + 1;
    body = h(
      Fragment,
      null,
      h(ChainPanel, { chain: chain.status, error: chain.error, loading: chain.loading, onVerify: () => void verify() }),
      h(
        'form',
        {
          className: 'audit-filters',
          'aria-labelledby': 'audit-filters-title',
          noValidate: true,
          onSubmit: (event: { preventDefault: () => void }) => {
            event.preventDefault();
            search(fields);
          },
        },
        h('h2', { id: 'audit-filters-title' }, 'Filter'),
        h(
          'p',
          { className: 'cmcc-muted' },
          'Every filter given must match (exact, case-sensitive values); leave all empty for every event. The fields come from the schema’s AuditEventFilter.',
        ),
        h(
          'div',
          { className: 'audit-fields' },
          firstFields.map(control),
          h(
            'div',
            { className: 'audit-field' },
            h('label', { htmlFor: 'audit-page-size' }, 'Events per page'),
            h(
              'select',
              {
                id: 'audit-page-size',
                value: String(pageSize),
                onChange: (event: { target: { value: string } }) => {
                  const size = Number(event.target.value);
                  setPageSize(size);
                  // The same search, from its newest event, in pages of the new size.
                  if (page.query) void load({ ...page.query, first: size }, [undefined]);
                },
              },
              PAGE_SIZES.map((size) => h('option', { key: size, value: String(size) }, String(size))),
            ),
          ),
        ),
        moreFields.length > 0
          ? h(
              'details',
              { className: 'audit-more', open: moreOpen, onToggle: (event: { currentTarget: HTMLDetailsElement }) => setMoreOpen(event.currentTarget.open) },
              h('summary', null, `More filters (${moreFields.length}): ${moreFields.map((field) => field.label.toLowerCase()).join(', ')}`),
              h('div', { className: 'audit-fields' }, moreFields.map(control)),
            )
          : null,
        formProblems.length > 0 ? h('div', { className: 'cmcc-error', role: 'alert' }, list(formProblems)) : null,
        h(
          'div',
          { className: 'audit-actions' },
          h('button', { type: 'submit', className: 'cmcc-button audit-primary' }, 'Search'),
          h(
            'button',
            {
              type: 'button',
              className: 'cmcc-button',
              onClick: () => {
                setValues({});
                setFormProblems([]);
                rememberInAddress(fields, {}, pageSize);
                void load({ filter: undefined, first: pageSize }, [undefined]);
              },
            },
            'Clear',
          ),
        ),
      ),
      h(
        'div',
        { className: selected ? 'audit-results audit-results-open' : 'audit-results' },
        h(
          'section',
          { className: 'audit-timeline', 'aria-labelledby': 'audit-timeline-title', 'aria-busy': page.loading },
          h('h2', { id: 'audit-timeline-title' }, 'Events, newest first'),
          page.serviceLines.length > 0
            ? h(
                'div',
                { className: 'cmcc-service-status', role: 'status' },
                page.serviceLines.map((line) => h('p', { key: line }, line)),
              )
            : null,
          page.error ? h('p', { className: 'cmcc-error', role: 'alert', 'data-testid': 'timeline-error' }, page.error) : null,
          h(
            'p',
            { className: 'cmcc-muted', role: 'status', 'data-testid': 'timeline-status' },
            page.loading
              ? 'Loading…'
              : page.edges.length === 0
                ? page.error
                  ? ''
                  : 'No event matches.'
                : `Events ${start}–${start + page.edges.length - 1}${page.hasNextPage ? ', more follow' : ''}. Open one for its details.`,
          ),
          page.edges.length > 0
            ? h(
                'table',
                { className: 'audit-table audit-events' },
                h('caption', { className: 'visually-hidden' }, 'Audit events, newest first'),
                h(
                  'thead',
                  null,
                  h(
                    'tr',
                    null,
                    ['Time', 'Principal', 'Operation', 'Outcome', 'Fields read', 'Entities', 'Seq'].map((title) =>
                      h('th', { key: title, scope: 'col', className: OPTIONAL_COLUMNS.has(title) ? 'audit-optional' : undefined }, title),
                    ),
                  ),
                ),
                h(
                  'tbody',
                  null,
                  page.edges.map(({ node }) => h(EventRow, { key: node.id, event: node, selected: selected?.id === node.id, onOpen: setSelected })),
                ),
              )
            : null,
          h(
            'nav',
            { className: 'audit-paging', 'aria-label': 'Pages of events' },
            h(
              'button',
              {
                type: 'button',
                className: 'cmcc-button',
                disabled: first || page.loading || !page.query,
                onClick: () => page.query && void load(page.query, page.cursors.slice(0, -1)),
              },
              '← Newer',
            ),
            h('span', { className: 'cmcc-muted' }, `Page ${page.cursors.length}`),
            h(
              'button',
              {
                type: 'button',
                className: 'cmcc-button',
                disabled: !page.hasNextPage || !page.endCursor || page.loading || !page.query,
                onClick: () => page.query && page.endCursor && void load(page.query, [...page.cursors, page.endCursor]),
              },
              'Older →',
            ),
          ),
        ),
        selected ? h(EventDetail, { event: selected, onClose: close }) : null,
      ),
    );
  }

  return h(
    'div',
    { className: 'cmcc-app cmcc-audit' },
    h(TokenBar, { token, onToken: setToken, view: 'audit' }),
    h(
      'main',
      { className: 'audit-main', id: 'audit' },
      h('h1', null, 'Audit trail'),
      h(
        'p',
        { className: 'cmcc-muted' },
        'Every operation through the gateway, as released to you: who asked what, what they got and what they were refused. Your own searches here are audited too.',
      ),
      body,
    ),
  );
}
