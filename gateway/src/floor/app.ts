/** The floor dashboard as a bundled app (../web/bundle.ts): its client, the shipped GeoJSON and the saved operations it sends. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebApp } from '../web/bundle.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GEOGRAPHY = path.join(PROJECT_ROOT, 'packages', 'subgraph-kit', 'geography');
const OPERATIONS = path.join(PROJECT_ROOT, 'schema', 'operations');

export const FLOOR_APP: WebApp = Object.freeze({
  name: 'floor',
  clientDir: fileURLToPath(new URL('./client/', import.meta.url)),
  // The client imports these by name: files of other packages, bundled as they are (never fetched from elsewhere).
  virtualModules: Object.freeze({
    'floor:governorates': { file: path.join(GEOGRAPHY, 'governorates.geojson'), loader: 'json' as const },
    'floor:yellow-line': { file: path.join(GEOGRAPHY, 'yellow-line.geojson'), loader: 'json' as const },
    'floor:FloorOverview': { file: path.join(OPERATIONS, 'FloorOverview.graphql'), loader: 'text' as const },
    'floor:CrossingPipeline': { file: path.join(OPERATIONS, 'CrossingPipeline.graphql'), loader: 'text' as const },
    'floor:FloorMap': { file: path.join(OPERATIONS, 'FloorMap.graphql'), loader: 'text' as const },
  }),
});
