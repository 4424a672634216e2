/**
 * The query editor: GraphiQL (docs, editor with autocomplete and validation, variables, headers, history) with the
 * saved operations of schema/operations/. For a signed-in reader the saved operations are listed in two parts, those
 * the reader may run (with the fields that come back withheld, and why) and those refused to them (and why), as the
 * gateway assessed them for the reader's token (gateway/src/explorer/access.ts).
 */
import { createContext, createElement as h, useCallback, useContext, useEffect, useMemo, useState, type ComponentProps, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { GraphiQL } from 'graphiql';
import { useEditorContext, type GraphiQLPlugin } from '@graphiql/react';
import { describeServiceStatus, serviceStatusOf } from '../../web/client/service-status.ts';
import { loadOperations, refusalsByNeed, type SavedOperation, type SavedOperations } from './operations.ts';
import { GRAPHQL_PATH, TokenBar, useToken } from './shell.ts';

type Fetcher = ComponentProps<typeof GraphiQL>['fetcher'];

/** `onAnswer` hears every answer to an operation (not the schema's introspection), for the service status above it. */
function createFetcher(token: string, onAnswer: (result: unknown) => void): Fetcher {
  return async (params, options) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    for (const [name, value] of Object.entries(options?.headers ?? {})) headers[name.toLowerCase()] = String(value);
    if (token && !headers.authorization) headers.authorization = `Bearer ${token}`;
    // Without a credential the gateway answers 401 anyway; say what to do instead (an API key in Headers also counts).
    if (!headers.authorization && !headers['x-api-key']) {
      return {
        errors: [
          {
            message: 'Paste a bearer token in the field above (npm run token), or set an x-api-key header: every operation, introspection included, needs a credential.',
            extensions: { code: 'UNAUTHENTICATED' },
          },
        ],
      };
    }
    const response = await fetch(GRAPHQL_PATH, { method: 'POST', headers, body: JSON.stringify(params), credentials: 'omit' });
    const text = await response.text();
    try {
      const result = JSON.parse(text);
      if (params.operationName !== 'IntrospectionQuery') onAnswer(result);
      return result;
    } catch {
      return { errors: [{ message: `HTTP ${response.status} ${response.statusText}: ${text.slice(0, 500)}` }] };
    }
  };
}

function formatVariables(variables: Record<string, unknown>): string {
  return Object.keys(variables).length > 0 ? JSON.stringify(variables, null, 2) : '';
}

function SavedOperationsIcon(): ReactNode {
  return h(
    'svg',
    { viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 1.5, 'aria-hidden': true },
    h('path', { d: 'M6 3h12v18l-6-4-6 4z', strokeLinejoin: 'round' }),
  );
}

/** What the reader's rights do to an operation, in a sentence per right it lacks. */
function accessNote(operation: SavedOperation): ReactNode {
  const access = operation.access;
  if (!access || access.runnable === 'full') return null;
  if (access.refused.length === 0) {
    // The gateway's reject mode: refused whole, without naming what (as the gateway's own answer does not).
    return h(
      'p',
      { className: 'cmcc-access cmcc-access-refused', 'data-testid': 'access-note' },
      'Refused to you: it reads fields or types your credentials do not allow, and this gateway refuses such an operation as a whole. Which ones is a matter for your administrator.',
    );
  }
  const groups = refusalsByNeed(access.refused);
  const lines = groups.map(({ needs, coordinates }) => `${coordinates.join(', ')} ${coordinates.length > 1 ? 'need' : 'needs'} ${needs}.`);
  return h(
    'p',
    { className: access.runnable === 'refused' ? 'cmcc-access cmcc-access-refused' : 'cmcc-access', 'data-testid': 'access-note' },
    access.runnable === 'refused'
      ? `Refused to you: ${lines.join(' ')} Nothing of it comes back.`
      : `Runs without what your rights withhold: ${lines.join(' ')} Each is null in the answer, with an UNAUTHORIZED_FIELD_OR_TYPE error; the rest of the answer comes back.`,
  );
}

/**
 * What the panel lists, and for which token. Given through a context rather than a new plugin, so the panel stays open
 * while the list changes with the token (GraphiQL closes the visible plugin when its plugins change).
 */
const SavedContext = createContext<{ saved: SavedOperations; token: string; current: boolean }>({ saved: { operations: [] }, token: '', current: true });

const SAVED_OPERATIONS_PLUGIN: GraphiQLPlugin = { title: 'Saved operations', icon: SavedOperationsIcon, content: SavedOperationsPanel };
const PLUGINS = [SAVED_OPERATIONS_PLUGIN];

function SavedOperationsPanel(): ReactNode {
  const { saved, token, current } = useContext(SavedContext);
  const { operations, problem, principal } = saved;
  const editor = useEditorContext({ nonNull: true });
  const open = useCallback(
    (operation: SavedOperation) => {
      // A new tab keeps what the user was writing; the editors then show the saved operation, ready to run.
      flushSync(() => editor.addTab());
      editor.queryEditor?.setValue(operation.document);
      editor.variableEditor?.setValue(formatVariables(operation.variables));
      // The new tab would otherwise run with the operation name of the tab it was opened from until the editor reparses.
      editor.setOperationName(operation.name);
    },
    [editor],
  );
  const item = (operation: SavedOperation) =>
    h(
      'li',
      { key: operation.file, 'data-access': operation.access?.runnable ?? 'unknown' },
      h(
        'button',
        {
          type: 'button',
          className: 'graphiql-button cmcc-open',
          onClick: () => open(operation),
          title: `Open ${operation.file} in a new tab`,
          'data-operation': operation.name,
        },
        `${operation.type} ${operation.name}`,
      ),
      operation.description ? h('p', null, operation.description) : null,
      accessNote(operation),
      operation.variableDefinitions.length > 0
        ? h(
            'p',
            { className: 'cmcc-muted' },
            'Variables: ',
            // An optional variable without a default is left out of the example, so the operation takes it as not given.
            operation.variableDefinitions
              .map((v) => (v.name in operation.variables ? `$${v.name}: ${v.type} = ${JSON.stringify(operation.variables[v.name])}` : `$${v.name}: ${v.type} (not set)`))
              .join(', '),
          )
        : null,
    );
  const assessed = principal !== undefined;
  const yours = operations.filter((operation) => operation.access?.runnable !== 'refused');
  const refused = operations.filter((operation) => operation.access?.runnable === 'refused');
  return h(
    'section',
    { className: 'cmcc-saved' },
    h('div', { className: 'graphiql-doc-explorer-title' }, 'Saved operations'),
    h('p', { className: 'cmcc-muted' }, 'The operations clients send, from schema/operations/. Open one in a new tab with example variables, then run it.'),
    problem ? h('p', { className: 'cmcc-error' }, problem) : null,
    operations.length === 0 && !problem ? h('p', { className: 'cmcc-muted' }, 'No saved operations.') : null,
    assessed
      ? h('h3', { className: 'cmcc-saved-heading', id: 'cmcc-saved-yours' }, `Yours to run, as ${principal}`)
      : operations.length > 0
        ? h(
            'p',
            { className: 'cmcc-muted' },
            !current
              ? 'Asking the gateway which of them your rights let you run…'
              : token
                ? 'The gateway did not accept the token above, so it does not say which of them you may run.'
                : 'Sign in to see which of them your rights let you run.',
          )
        : null,
    h('ul', { 'aria-labelledby': assessed ? 'cmcc-saved-yours' : undefined }, yours.map(item)),
    refused.length > 0
      ? [
          h('h3', { key: 'heading', className: 'cmcc-saved-heading', id: 'cmcc-saved-refused' }, `Refused to you (${refused.length})`),
          h(
            'p',
            { key: 'why', className: 'cmcc-muted' },
            'Your rights do not reach these: the gateway would refuse every field of them. They stay here to read, and for whoever holds the right.',
          ),
          h('ul', { key: 'list', 'aria-labelledby': 'cmcc-saved-refused' }, refused.map(item)),
        ]
      : null,
  );
}

/**
 * On the first visit (no tabs stored yet) the saved operations are the tabs, but for those refused to the reader. GraphiQL
 * 4 puts only the first tab's query into the editor, not its variables, so those are passed as the initial variables
 * too; on later visits the stored tabs are left alone.
 */
function firstVisitTabs(operations: SavedOperation[]): { defaultTabs?: { query: string; variables: string }[]; variables?: string } {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem('graphiql:tabState');
  } catch {
    // no storage: every visit is a first visit
  }
  const offered = operations.filter((operation) => operation.access?.runnable !== 'refused');
  if (stored || offered.length === 0) return {};
  const defaultTabs = offered.map((operation) => ({ query: operation.document, variables: formatVariables(operation.variables) }));
  return { defaultTabs, variables: defaultTabs[0].variables };
}

/** `initial`: the saved operations as listed for `initialToken` when the page loaded. */
export function Editor(props: { initial: SavedOperations; initialToken: string }): ReactNode {
  const [token, setToken] = useToken();
  // The list, and the token it was listed for.
  const [listed, setListed] = useState({ saved: props.initial, token: props.initialToken });
  // A new token: the gateway says again which saved operations it lets run.
  useEffect(() => {
    let current = true;
    if (token !== listed.token) void loadOperations(token).then((saved) => current && setListed({ saved, token }));
    return () => {
      current = false;
    };
  }, [token, listed.token]);
  // Which working groups the last answer lacks, or gives from an earlier answer (stale): said above the editor.
  const [serviceLines, setServiceLines] = useState<string[]>([]);
  // A new fetcher makes GraphiQL introspect again, so the docs and autocomplete follow the token's rights.
  const fetcher = useMemo(() => createFetcher(token, (result) => setServiceLines(describeServiceStatus(serviceStatusOf(result)))), [token]);
  const panel = useMemo(() => ({ saved: listed.saved, token, current: listed.token === token }), [listed, token]);
  const firstVisit = useMemo(() => firstVisitTabs(props.initial.operations), [props.initial.operations]);
  return h(
    'div',
    { className: 'cmcc-app' },
    h(TokenBar, { token, onToken: setToken, view: 'editor' }),
    h(
      'div',
      { id: 'cmcc-service-status', className: 'cmcc-service-status', role: 'status', hidden: serviceLines.length === 0 },
      serviceLines.map((line) => h('p', { key: line }, line)),
    ),
    h(
      'main',
      { className: 'cmcc-main' },
      h(
        SavedContext.Provider,
        { value: panel },
        h(
          GraphiQL,
          {
            fetcher,
            plugins: PLUGINS,
            ...firstVisit,
            defaultEditorToolsVisibility: 'variables',
            isHeadersEditorEnabled: true,
            shouldPersistHeaders: false,
          },
          h(GraphiQL.Logo, null, 'CMCC'),
        ),
      ),
    ),
  );
}
