/** The floor's HTML page: served by the gateway at /floor, or written with the static build for another origin. */
import { escapeAttribute } from '../web/respond.ts';

export interface FloorPageOptions {
  /** Where the script and stylesheet are (`/floor/assets/`, or `assets/` beside a static page). */
  readonly assets: string;
  readonly script: string;
  readonly stylesheet: string;
  /** The gateway's GraphQL endpoint; the live feed opens a WebSocket to the same URL (ws/wss). */
  readonly graphql: string;
  /** Base of the development sign-in routes (`/auth/dev`); the role picker hides itself when they do not answer. */
  readonly devSignIn: string;
  /** A Content-Security-Policy for a static page (a <meta> element); the gateway sends its policy as a header. */
  readonly metaCsp?: string;
  /** The per-response nonce the header policy allows for styles added at run time. */
  readonly nonce?: string;
}

export function floorPage(options: FloorPageOptions): string {
  const meta = options.metaCsp ? `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(options.metaCsp)}">\n` : '';
  const nonce = options.nonce ? `<meta property="csp-nonce" nonce="${escapeAttribute(options.nonce)}">\n` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${meta}${nonce}<title>CMCC operations floor</title>
<link rel="stylesheet" href="${escapeAttribute(options.assets + options.stylesheet)}">
<script type="module" src="${escapeAttribute(options.assets + options.script)}"></script>
</head>
<body>
<div id="floor" data-graphql="${escapeAttribute(options.graphql)}" data-dev-sign-in="${escapeAttribute(options.devSignIn)}">
<noscript>The floor dashboard needs JavaScript. GraphQL itself is at ${escapeAttribute(options.graphql)}.</noscript>
</div>
</body>
</html>
`;
}
