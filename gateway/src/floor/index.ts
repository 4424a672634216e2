/**
 * The operations floor dashboard at `GET /floor` (issue 17, point 6): a map of the Strip from the shipped GeoJSON,
 * crossing throughput charts, per-governorate panels from FloorOverview and a live feed over the gateway's WebSocket.
 * Bundled like the explorer (../web/bundle.ts) and served with the same headers and policy; the page needs no
 * credential, every operation it sends does. `npm run floor:build` writes it as static files for another origin.
 */
import path from 'node:path';
import { HttpError, type Logger, type RawRoute } from '@cmcc/platform';
import { DEV_SIGN_IN_BASE } from '../auth/dev-sign-in.ts';
import { webBundle, writePrebuiltBundle } from '../web/bundle.ts';
import { IMMUTABLE, NO_STORE, nonce, sameOriginCsp, send } from '../web/respond.ts';
import { FLOOR_APP } from './app.ts';
import { floorPage } from './page.ts';

export const FLOOR_PATHS = Object.freeze({ page: '/floor', assets: '/floor/assets/' });

export function createFloorRoutes(options: { dataDir: string; logger: Logger; graphqlPath?: string }): Record<string, RawRoute> {
  const bundle = () => webBundle(FLOOR_APP, { cacheDir: path.join(options.dataDir, 'floor'), assetsPath: FLOOR_PATHS.assets, logger: options.logger });
  const fileCsp = sameOriginCsp();
  return {
    [FLOOR_PATHS.page]: async (request, response) => {
      const built = await bundle().catch((error: unknown) => {
        throw new HttpError(
          503,
          'SERVICE_UNAVAILABLE',
          `The floor dashboard could not be built (${error instanceof Error ? error.message : String(error)}); the gateway log has the details`,
        );
      });
      const pageNonce = nonce();
      const body = floorPage({
        assets: FLOOR_PATHS.assets,
        script: built.script,
        stylesheet: built.stylesheet,
        graphql: options.graphqlPath ?? '/graphql',
        devSignIn: DEV_SIGN_IN_BASE,
        nonce: pageNonce,
      });
      send(request, response, { status: 200, type: 'text/html; charset=utf-8', body, cache: NO_STORE, csp: sameOriginCsp(pageNonce) });
    },
    [`${FLOOR_PATHS.assets}*`]: async (request, response, url) => {
      const asset = (await bundle()).assets.get(url.pathname.slice(FLOOR_PATHS.assets.length));
      if (!asset) throw new HttpError(404, 'NOT_FOUND', `No floor file at ${url.pathname}`);
      send(request, response, { status: 200, type: asset.contentType, body: asset.body, gzip: asset.gzip, cache: IMMUTABLE, csp: fileCsp });
    },
  };
}

/** Prebuilds the floor's bundle into `outDir` (`npm run build`: `dist/floor/`) for gateways without its client sources. */
export function writePrebuiltFloor(outDir: string): Promise<{ files: number; bytes: number }> {
  return writePrebuiltBundle(FLOOR_APP, outDir, FLOOR_PATHS.assets);
}
