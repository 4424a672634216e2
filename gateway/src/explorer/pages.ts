/** The explorer's HTML pages and their Content-Security-Policies. */
import { COMMON_DIRECTIVES, escapeAttribute, sameOriginCsp } from '../web/respond.ts';

/** Where Apollo's embedded Sandbox comes from: its script, and the frame it draws in. */
export const SANDBOX_SCRIPT_ORIGIN = 'https://embeddable-sandbox.cdn.apollographql.com';
export const SANDBOX_FRAME_ORIGIN = 'https://sandbox.embed.apollographql.com';
const SANDBOX_SCRIPT = `${SANDBOX_SCRIPT_ORIGIN}/_latest/embeddable-sandbox.umd.production.min.js`;

export interface ExplorerPaths {
  readonly graphql: string;
  readonly operations: string;
  /** The query editor (GraphiQL, or the Sandbox) and the audit view beside it: the two tabs of the explorer's bar. */
  readonly editor: string;
  readonly audit: string;
  readonly assets: string;
  readonly favicon: string;
  readonly sandboxScript: string;
  readonly sandboxStyle: string;
  /** Base of the development sign-in routes (gateway/src/auth/dev-sign-in.ts); the role picker hides itself where they do not answer. */
  readonly devSignIn: string;
}

/** GraphiQL: everything from the gateway itself (../web/respond.ts). */
export const graphiqlCsp = sameOriginCsp;

/** Apollo Sandbox: its script from Apollo's CDN and its frame from Apollo; requests still go only to the gateway. */
export function sandboxCsp(): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${SANDBOX_SCRIPT_ORIGIN}`,
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'none'",
    `frame-src ${SANDBOX_FRAME_ORIGIN}`,
    ...COMMON_DIRECTIVES,
  ].join('; ');
}

/** What a page of the explorer's bundle shows: the query editor (GraphiQL) or the audit view. */
export type ExplorerView = 'editor' | 'audit';

const TITLES: Readonly<Record<ExplorerView, string>> = { editor: 'CMCC Supergraph explorer', audit: 'Audit trail — CMCC Supergraph explorer' };

export function graphiqlPage(options: { nonce: string; script: string; stylesheet: string; paths: ExplorerPaths; view?: ExplorerView }): string {
  const { nonce, script, stylesheet, paths } = options;
  const view = options.view ?? 'editor';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta property="csp-nonce" nonce="${escapeAttribute(nonce)}">
<title>${TITLES[view]}</title>
<link rel="icon" href="${escapeAttribute(paths.favicon)}" type="image/svg+xml">
<link rel="stylesheet" href="${escapeAttribute(paths.assets + stylesheet)}">
<script type="module" src="${escapeAttribute(paths.assets + script)}"></script>
</head>
<body>
<div id="root" data-view="${view}" data-graphql="${escapeAttribute(paths.graphql)}" data-operations="${escapeAttribute(paths.operations)}" data-dev-sign-in="${escapeAttribute(paths.devSignIn)}" data-editor="${escapeAttribute(paths.editor)}" data-audit="${escapeAttribute(paths.audit)}">
<noscript>The explorer needs JavaScript. GraphQL itself is at ${escapeAttribute(paths.graphql)}.</noscript>
</div>
</body>
</html>
`;
}

export function sandboxPage(paths: ExplorerPaths): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>CMCC Supergraph — Apollo Sandbox</title>
<link rel="icon" href="${escapeAttribute(paths.favicon)}" type="image/svg+xml">
<link rel="stylesheet" href="${escapeAttribute(paths.sandboxStyle)}">
</head>
<body data-graphql="${escapeAttribute(paths.graphql)}">
<p class="fallback">Apollo Sandbox loads from Apollo's CDN (${SANDBOX_SCRIPT_ORIGIN}); this network does not seem to reach it.
Set <code>GATEWAY_EXPLORER=graphiql</code> on the gateway for the explorer that works offline.</p>
<div id="sandbox"></div>
<script src="${SANDBOX_SCRIPT}"></script>
<script src="${escapeAttribute(paths.sandboxScript)}"></script>
</body>
</html>
`;
}

/** Starts the Sandbox on this gateway's endpoint (a file of its own, so the page needs no inline script). */
export const SANDBOX_SCRIPT_BODY = `(function () {
  if (!window.EmbeddedSandbox) return;
  document.querySelector('.fallback').remove();
  new window.EmbeddedSandbox({
    target: '#sandbox',
    initialEndpoint: new URL(document.body.dataset.graphql, window.location.href).href,
    endpointIsEditable: false,
    runTelemetry: false,
    hideCookieToggle: true,
    initialState: { includeCookies: false },
  });
})();
`;

export const SANDBOX_STYLE_BODY = `html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; }
.fallback { margin: 2em; }
#sandbox { position: absolute; inset: 0; }
#sandbox iframe { width: 100%; height: 100%; border: none; background: white; }
`;

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f3a5f"/><path d="M16 5l9.5 5.5v11L16 27l-9.5-5.5v-11z" fill="none" stroke="#f2f5f9" stroke-width="2"/><circle cx="16" cy="16" r="3" fill="#e10098"/></svg>
`;
