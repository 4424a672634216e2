/**
 * The explorer in the browser, bundled by ../bundle.ts; everything it loads comes from the gateway that served it. Two
 * views share its bar (./shell.ts): the query editor at / (GraphiQL with the saved operations of schema/operations/,
 * ./editor.ts) and the audit view at /explorer/audit (./audit.ts); the page says which (`data-view`). Written without JSX
 * so the project's TypeScript settings check it as it is.
 */
import { createElement as h } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './explorer.css';
import './audit.css';
import { readToken } from '../../web/client/sign-in.ts';
import { AuditView } from './audit.ts';
import { Editor } from './editor.ts';
import { loadOperations } from './operations.ts';

const root = document.getElementById('root')!;

// Libraries that add a <style> element at run time (the scroll lock of GraphiQL's dialogs and menus) take the page's
// CSP nonce from here (get-nonce reads `__webpack_nonce__`); without it the browser would refuse their styles.
const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce;
if (nonce) (globalThis as { __webpack_nonce__?: string }).__webpack_nonce__ = nonce;

if (root.dataset.view === 'audit') {
  createRoot(root).render(h(AuditView));
} else {
  // The saved operations as listed for the token stored by an earlier visit, if any: the first visit's tabs.
  const token = readToken();
  const initial = await loadOperations(token);
  createRoot(root).render(h(Editor, { initial, initialToken: token }));
}
