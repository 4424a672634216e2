/**
 * What both views of the explorer share: the bar at the top with the views' tabs (query editor, audit trail), the
 * development role picker, the bearer-token field and what the token says about its holder. The token is kept in
 * localStorage (../../web/client/sign-in.ts), so it follows the reader from one view to the other.
 */
import { createElement as h, useEffect, useState, type ReactNode } from 'react';
import { describeToken, devPrincipals, mintDevToken, normalizeToken, readToken, storeToken, type DevPrincipal } from '../../web/client/sign-in.ts';

export type View = 'editor' | 'audit';

const root = document.getElementById('root')!;
export const GRAPHQL_PATH = root.dataset.graphql ?? '/graphql';
export const OPERATIONS_URL = root.dataset.operations ?? '/explorer/operations.json';
const DEV_SIGN_IN = root.dataset.devSignIn ?? '';
const VIEW_LINKS: readonly { view: View; label: string; href: string }[] = [
  { view: 'editor', label: 'Query editor', href: root.dataset.editor ?? '/' },
  { view: 'audit', label: 'Audit trail', href: root.dataset.audit ?? '/explorer/audit' },
];

/** The token of this browser (shared by the views and the floor), kept in localStorage as it changes. */
export function useToken(): [string, (token: string) => void] {
  const [token, setToken] = useState(readToken);
  useEffect(() => storeToken(token), [token]);
  return [token, setToken];
}

export function TokenBar(props: { token: string; onToken: (token: string) => void; view: View }): ReactNode {
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
    h(
      'nav',
      { className: 'cmcc-views', 'aria-label': 'Explorer views' },
      VIEW_LINKS.map((link) => h('a', { key: link.view, href: link.href, className: 'cmcc-view-link', 'aria-current': link.view === props.view ? 'page' : undefined }, link.label)),
    ),
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
