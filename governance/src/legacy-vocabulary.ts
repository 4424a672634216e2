import { parse, print } from 'graphql';
import { sharedDefinitions } from '@cmcc/contracts';
import type { GraphState, SubgraphSnapshot } from './check.ts';

/**
 * Versions published before the kit added the shared vocabulary hold every subgraph's SDL with its own copy of it.
 * A copied definition identical to the kit's is taken out, so those SDLs compose (and are stored) as the group's own
 * schema again; a copy that differs from the kit's stays, and composition refuses it naming the subgraph and type.
 */
export function withoutVocabularyCopies(state: GraphState): GraphState {
  return { ...state, subgraphs: state.subgraphs.map(withoutVocabularyCopy) };
}

function withoutVocabularyCopy(snapshot: SubgraphSnapshot): SubgraphSnapshot {
  let document;
  try {
    document = parse(snapshot.sdl);
  } catch {
    return snapshot;
  }
  const kit = new Set(sharedDefinitions().map((definition) => print(definition)));
  const copies = document.definitions.filter((definition) => definition.loc && kit.has(print(definition)));
  if (copies.length === 0) return snapshot;
  let sdl = snapshot.sdl;
  for (const copy of [...copies].sort((a, b) => b.loc!.start - a.loc!.start)) sdl = sdl.slice(0, copy.loc!.start) + sdl.slice(copy.loc!.end);
  return { ...snapshot, sdl: `${sdl.replace(/^# -+ Shared vocabulary.*$|^# Shared vocabulary: copy.*$|^# test\/shared-vocabulary\.test\.ts fails.*$/gm, '').trimEnd()}\n` };
}
