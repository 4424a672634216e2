/**
 * The explorer at `GET /` (issue 5, point 5): GraphiQL bundled into the gateway, which loads nothing from outside the
 * gateway's origin, or, by configuration (`GATEWAY_EXPLORER=sandbox`), Apollo's embedded Sandbox for networks with internet
 * access. Beside it, at `GET /explorer/audit`, the audit view (issue 20, point 3): the audit trail as a filterable
 * timeline for auditors, from the same bundle, with either setting. The pages need no credential; introspection and
 * operations do, like any request to /graphql.
 */
import path from 'node:path';
import { HttpError, type RawRoute, type Logger } from '@cmcc/platform';
import type { ExplorerMode } from '../config.ts';
import { explorerBundle, type Asset } from './bundle.ts';
import type { AssessOperations } from './access.ts';
import { loadSavedOperations, OPERATIONS_DIR } from './operations.ts';
import { DEV_SIGN_IN_BASE } from '../auth/dev-sign-in.ts';
import { IMMUTABLE, NO_STORE, nonce, REVALIDATE, send } from '../web/respond.ts';
import { FAVICON_SVG, graphiqlCsp, graphiqlPage, SANDBOX_SCRIPT_BODY, SANDBOX_STYLE_BODY, sandboxCsp, sandboxPage, type ExplorerPaths, type ExplorerView } from './pages.ts';

export const EXPLORER_PATHS: ExplorerPaths = Object.freeze({
  graphql: '/graphql',
  operations: '/explorer/operations.json',
  editor: '/',
  audit: '/explorer/audit',
  assets: '/explorer/assets/',
  favicon: '/explorer/favicon.svg',
  sandboxScript: '/explorer/sandbox.js',
  sandboxStyle: '/explorer/sandbox.css',
  devSignIn: DEV_SIGN_IN_BASE,
});

export interface ExplorerOptions {
  readonly mode: ExplorerMode;
  /** The gateway's data folder; the built bundle is cached in `<dataDir>/explorer/`. */
  readonly dataDir: string;
  readonly logger: Logger;
  /** Saved operations to offer (default `schema/operations/`). */
  readonly operationsDir?: string;
  readonly graphqlPath?: string;
  /**
   * Which saved operations the principal of the request may run (./access.ts): said beside each operation in
   * operations.json, so the explorer lists those refused to them apart. Without it, or without a credential, nothing is said.
   */
  readonly assess?: AssessOperations;
}

/** The explorer's routes for the kit's `rawRoutes`; none when the explorer is off. */
export function createExplorerRoutes(options: ExplorerOptions): Record<string, RawRoute> {
  if (options.mode === 'off') return {};
  const paths: ExplorerPaths = { ...EXPLORER_PATHS, graphql: options.graphqlPath ?? EXPLORER_PATHS.graphql };
  const operationsDir = options.operationsDir ?? OPERATIONS_DIR;
  // Files other than the GraphiQL page carry the same policy, without a nonce (they are not documents that style).
  const fileCsp = options.mode === 'sandbox' ? sandboxCsp() : graphiqlCsp();

  const routes: Record<string, RawRoute> = {
    [paths.operations]: async (request, response) => {
      const { operations, problems } = loadSavedOperations(operationsDir);
      if (problems.length > 0) options.logger.warn({ problems }, 'saved operations that do not parse are left out of the explorer');
      const access = await options.assess?.(request, operations);
      const body = access
        ? { operations: operations.map((operation) => ({ ...operation, access: access.operations[operation.file] })), problems, principal: access.principal }
        : { operations, problems };
      // What is said depends on the credential: no shared cache may keep it for another caller.
      send(request, response, { status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify(body), cache: access ? 'private, no-cache' : REVALIDATE, csp: fileCsp });
    },
    [paths.favicon]: async (request, response) => {
      send(request, response, { status: 200, type: 'image/svg+xml', body: FAVICON_SVG, cache: 'public, max-age=86400', csp: fileCsp });
    },
  };

  // The explorer's bundle (GraphiQL, and the audit view beside it), built on the first request for a page.
  const bundle = () => explorerBundle({ cacheDir: path.join(options.dataDir, 'explorer'), assetsPath: paths.assets, logger: options.logger });
  const page = (view: ExplorerView): RawRoute => {
    return async (request, response) => {
      const built = await bundle().catch((error: unknown) => {
        throw new HttpError(
          503,
          'SERVICE_UNAVAILABLE',
          `The explorer could not be built (${error instanceof Error ? error.message : String(error)}); the gateway log has the details`,
        );
      });
      const pageNonce = nonce();
      const body = graphiqlPage({ nonce: pageNonce, script: built.script, stylesheet: built.stylesheet, paths, view });
      send(request, response, { status: 200, type: 'text/html; charset=utf-8', body, cache: NO_STORE, csp: graphiqlCsp(pageNonce) });
    };
  };
  routes[paths.audit] = page('audit');
  routes[`${paths.assets}*`] = async (request, response, url) => {
    const asset: Asset | undefined = (await bundle()).assets.get(url.pathname.slice(paths.assets.length));
    if (!asset) throw new HttpError(404, 'NOT_FOUND', `No explorer file at ${url.pathname}`);
    // The bundle's files carry the GraphiQL policy (same origin only) also where the page at / is the Sandbox.
    send(request, response, { status: 200, type: asset.contentType, body: asset.body, gzip: asset.gzip, cache: IMMUTABLE, csp: graphiqlCsp() });
  };

  if (options.mode === 'sandbox') {
    options.logger.warn({ explorer: 'sandbox' }, "the explorer at / is Apollo Sandbox, which loads from Apollo's CDN (GATEWAY_EXPLORER=sandbox)");
    routes['/'] = async (request, response) =>
      send(request, response, { status: 200, type: 'text/html; charset=utf-8', body: sandboxPage(paths), cache: NO_STORE, csp: sandboxCsp() });
    routes[paths.sandboxScript] = async (request, response) =>
      send(request, response, { status: 200, type: 'text/javascript; charset=utf-8', body: SANDBOX_SCRIPT_BODY, cache: REVALIDATE, csp: fileCsp });
    routes[paths.sandboxStyle] = async (request, response) =>
      send(request, response, { status: 200, type: 'text/css; charset=utf-8', body: SANDBOX_STYLE_BODY, cache: REVALIDATE, csp: fileCsp });
    return routes;
  }
  routes['/'] = page('editor');
  return routes;
}
