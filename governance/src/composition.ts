import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { GraphQLError, parse, Source } from 'graphql';
import { SharedVocabularyError, withSharedVocabulary } from '@cmcc/contracts';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SUPERGRAPH_PATH = path.join(PROJECT_ROOT, 'schema', 'supergraph.graphql');

/** One entry of `schema/subgraphs.json`. */
export interface SubgraphEntry {
  name: string;
  /** SDL file, relative to the project root (or absolute). */
  schema: string;
  port: number;
  routingUrl: string;
}

export function loadSubgraphList(file = path.join(PROJECT_ROOT, 'schema', 'subgraphs.json')): SubgraphEntry[] {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { subgraphs: SubgraphEntry[] }).subgraphs;
}

/** A problem that stops composition, attributed to the subgraph it comes from when known. */
export interface CompositionProblem {
  subgraph: string | null;
  code: string | null;
  message: string;
  /** Where in the subgraph's SDL, when known. */
  locations?: { line: number; column: number }[];
}

export type CompositionResult = { ok: true; supergraphSdl: string } | { ok: false; problems: CompositionProblem[] };

/**
 * Composes the given subgraph SDLs (name → SDL text, each the group's own schema) into a supergraph with
 * `@apollo/composition`, each with the kit's shared vocabulary added.
 */
export function composeSupergraph(subgraphs: { name: string; routingUrl: string; sdl: string }[]): CompositionResult {
  const problems: CompositionProblem[] = [];
  const services = [];
  for (const subgraph of subgraphs) {
    try {
      services.push({ name: subgraph.name, url: subgraph.routingUrl, typeDefs: withSharedVocabulary(parse(new Source(subgraph.sdl, subgraph.name)), subgraph.name) });
    } catch (error) {
      if (error instanceof SharedVocabularyError) {
        problems.push({ subgraph: subgraph.name, code: 'SHARED_TYPE_REDEFINED', message: error.message, ...(error.locations.length ? { locations: error.locations } : {}) });
        continue;
      }
      const locations = (error as GraphQLError).locations?.map(({ line, column }) => ({ line, column }));
      problems.push({ subgraph: subgraph.name, code: 'INVALID_GRAPHQL', message: (error as Error).message, ...(locations?.length ? { locations } : {}) });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const result = composeServices(services);
  if (result.errors) {
    return {
      ok: false,
      problems: result.errors.map((error) =>
        toProblem(
          error,
          subgraphs.map((s) => s.name),
        ),
      ),
    };
  }
  return { ok: true, supergraphSdl: result.supergraphSdl };
}

function toProblem(error: GraphQLError, names: string[]): CompositionProblem {
  const fromSource = error.source?.name ?? error.nodes?.find((node) => node.loc)?.loc?.source.name;
  const fromMessage = names.find((name) => error.message.includes(`"${name}"`) || error.message.includes(`[${name}]`));
  const code = typeof error.extensions?.code === 'string' ? error.extensions.code : null;
  const locations = error.locations?.map(({ line, column }) => ({ line, column }));
  return {
    subgraph: fromSource && names.includes(fromSource) ? fromSource : (fromMessage ?? null),
    code,
    message: error.message,
    ...(locations?.length ? { locations } : {}),
  };
}

/** Reads every subgraph's SDL from the files listed in `schema/subgraphs.json` and composes them. */
export function composeFromFiles(entries: SubgraphEntry[] = loadSubgraphList()): CompositionResult {
  return composeSupergraph(entries.map((entry) => ({ name: entry.name, routingUrl: entry.routingUrl, sdl: fs.readFileSync(path.resolve(PROJECT_ROOT, entry.schema), 'utf8') })));
}
