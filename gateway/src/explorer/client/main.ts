/**
 * The explorer in the browser: GraphiQL (docs, editor with autocomplete and validation, variables, headers, history) with
 * a bearer-token field and the saved operations of schema/operations/. Bundled by ../bundle.ts; everything it loads
 * comes from the gateway that served it. Written without JSX so the project's TypeScript settings check it as it is.
 */
import { createElement as h, useCallback, useEffect, useMemo, useState, type ComponentProps, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { useEditorContext, type GraphiQLPlugin } from '@graphiql/react';
import 'graphiql/style.css';
import './explorer.css';
import { describeToken, devPrincipals, mintDevToken, normalizeToken, readToken, storeToken, type DevPrincipal } from '../../web/client/sign-in.ts';
import { describeServiceStatus, serviceStatusOf } from '../../web/client/service-status.ts';

type Fetcher = ComponentProps<typeof GraphiQL>['fetcher'];

interface SavedOperation {
  name: string;
  file: string;
  type: string;
  description: string;
  document: string;
  variableDefinitions: { name: string; type: string }[];
  variables: Record<string, unknown>;
}

const root = document.getElementById('root')!;
const GRAPHQL_PATH = root.dataset.graphql ?? '/graphql';
const OPERATIONS_URL = root.dataset.operations ?? '/explorer/operations.json';
const DEV_SIGN_IN = root.dataset.devSignIn ?? '';

// Libraries that add a <style> element at run time (the scroll lock of GraphiQL's dialogs and menus) take the page's
// CSP nonce from here (get-nonce reads `__webpack_nonce__`); without it the browser would refuse their styles.
const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce;
if (nonce) (globalThis as { __webpack_nonce__?: string }).__webpack_nonce__ = nonce;

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

function TokenBar(props: { token: string; onToken: (token: string) => void }): ReactNode {
  const [draft, setDraft] = useState(props.token);
  const [principals, setPrincipals] = useState<DevPrincipal[]>([]);
  const [refused, setRefused] = useState('');
  // The role picker appears only where the gateway offers development sign-in (gateway/src/auth/dev-sign-in.ts).
  useEffect(() => void devPrincipals(DEV_SIGN_IN).then(setPrincipals), []);
  const commit = (value: string) => {
    const token = normalizeToken(value);
    setDraft(token);
    setRefused('');
    if (token !== props.token) props.onToken(token);
  };
  const signInAs = (name: string) => {
    if (name) mintDevToken(DEV_SIGN_IN, name).then(commit, (error: unknown) => setRefused(`Sign-in refused: ${error instanceof Error ? error.message : String(error)}`));
  };
  return h(
    'header',
    { className: 'cmcc-bar' },
    h('span', { className: 'cmcc-title' }, 'CMCC Supergraph explorer'),
    principals.length > 0
      ? h(
          'select',
          {
            id: 'cmcc-role',
            className: 'cmcc-button',
            'aria-label': 'Development principal',
            value: '',
            onChange: (event: { target: HTMLSelectElement }) => signInAs(event.target.value),
          },
          h('option', { value: '' }, 'Sign in as… (development)'),
          principals.map((principal) =>
            h(
              'option',
              { key: principal.name, value: principal.name },
              `${principal.name} — ${[principal.claims.nation, principal.claims.org, principal.claims.clearance].filter(Boolean).join(' · ')}`,
            ),
          ),
        )
      : null,
    h('label', { htmlFor: 'cmcc-token' }, 'Bearer token'),
    h('input', {
      id: 'cmcc-token',
      name: 'token',
      type: 'password',
      autoComplete: 'off',
      spellCheck: false,
      placeholder: 'paste a token (npm run token), then Enter',
      value: draft,
      onChange: (event: { target: HTMLInputElement }) => setDraft(event.target.value),
      onKeyDown: (event: { key: string; currentTarget: HTMLInputElement }) => {
        if (event.key === 'Enter') commit(event.currentTarget.value);
      },
      onBlur: (event: { target: HTMLInputElement }) => commit(event.target.value),
    }),
    h('button', { type: 'button', className: 'cmcc-button', onClick: () => commit(draft) }, 'Use token'),
    h('button', { type: 'button', className: 'cmcc-button', onClick: () => commit(''), disabled: !props.token && !draft }, 'Forget'),
    h('span', { className: 'cmcc-token-status', role: 'status', 'data-testid': 'token-status' }, refused || describeToken(props.token)),
  );
}

function SavedOperationsIcon(): ReactNode {
  return h(
    'svg',
    { viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 1.5, 'aria-hidden': true },
    h('path', { d: 'M6 3h12v18l-6-4-6 4z', strokeLinejoin: 'round' }),
  );
}

function savedOperationsPlugin(operations: SavedOperation[], problem: string | undefined): GraphiQLPlugin {
  function SavedOperations(): ReactNode {
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
    return h(
      'section',
      { className: 'cmcc-saved' },
      h('div', { className: 'graphiql-doc-explorer-title' }, 'Saved operations'),
      h('p', { className: 'cmcc-muted' }, 'The operations clients send, from schema/operations/. Open one in a new tab with example variables, then run it.'),
      problem ? h('p', { className: 'cmcc-error' }, problem) : null,
      operations.length === 0 && !problem ? h('p', { className: 'cmcc-muted' }, 'No saved operations.') : null,
      h(
        'ul',
        null,
        operations.map((operation) =>
          h(
            'li',
            { key: operation.file },
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
            operation.variableDefinitions.length > 0
              ? h(
                  'p',
                  { className: 'cmcc-muted' },
                  'Variables: ',
                  operation.variableDefinitions.map((v) => `$${v.name}: ${v.type} = ${JSON.stringify(operation.variables[v.name])}`).join(', '),
                )
              : null,
          ),
        ),
      ),
    );
  }
  return { title: 'Saved operations', icon: SavedOperationsIcon, content: SavedOperations };
}

/**
 * On the first visit (no tabs stored yet) the saved operations are the tabs. GraphiQL 4 puts only the first tab's
 * query into the editor, not its variables, so those are passed as the initial variables too; on later visits the
 * stored tabs are left alone.
 */
function firstVisitTabs(operations: SavedOperation[]): { defaultTabs?: { query: string; variables: string }[]; variables?: string } {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem('graphiql:tabState');
  } catch {
    // no storage: every visit is a first visit
  }
  if (stored || operations.length === 0) return {};
  const defaultTabs = operations.map((operation) => ({ query: operation.document, variables: formatVariables(operation.variables) }));
  return { defaultTabs, variables: defaultTabs[0].variables };
}

function Explorer(props: { operations: SavedOperation[]; problem?: string }): ReactNode {
  const [token, setToken] = useState(readToken);
  useEffect(() => storeToken(token), [token]);
  // Which working groups the last answer lacks, or gives from an earlier answer (stale): said above the editor.
  const [serviceLines, setServiceLines] = useState<string[]>([]);
  // A new fetcher makes GraphiQL introspect again, so the docs and autocomplete follow the token's rights.
  const fetcher = useMemo(() => createFetcher(token, (result) => setServiceLines(describeServiceStatus(serviceStatusOf(result)))), [token]);
  const plugin = useMemo(() => savedOperationsPlugin(props.operations, props.problem), [props.operations, props.problem]);
  const firstVisit = useMemo(() => firstVisitTabs(props.operations), [props.operations]);
  return h(
    'div',
    { className: 'cmcc-app' },
    h(TokenBar, { token, onToken: setToken }),
    h(
      'div',
      { id: 'cmcc-service-status', className: 'cmcc-service-status', role: 'status', hidden: serviceLines.length === 0 },
      serviceLines.map((line) => h('p', { key: line }, line)),
    ),
    h(
      'main',
      { className: 'cmcc-main' },
      h(
        GraphiQL,
        {
          fetcher,
          plugins: [plugin],
          ...firstVisit,
          defaultEditorToolsVisibility: 'variables',
          isHeadersEditorEnabled: true,
          shouldPersistHeaders: false,
        },
        h(GraphiQL.Logo, null, 'CMCC'),
      ),
    ),
  );
}

async function loadOperations(): Promise<{ operations: SavedOperation[]; problem?: string }> {
  try {
    // Outside development the saved operations need a credential: the token stored by an earlier visit, if any.
    const token = readToken();
    const response = await fetch(OPERATIONS_URL, { credentials: 'omit', headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (response.status === 401 || response.status === 403) throw new Error(`HTTP ${response.status}: paste a token above and reload the page to list them`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as { operations: SavedOperation[]; problems?: string[] };
    return { operations: body.operations, problem: body.problems?.length ? body.problems.join('; ') : undefined };
  } catch (error) {
    return { operations: [], problem: `The saved operations could not be loaded: ${error instanceof Error ? error.message : String(error)}` };
  }
}

const { operations, problem } = await loadOperations();
createRoot(root).render(h(Explorer, { operations, problem }));
