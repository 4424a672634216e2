import { yellowLineSideOf, type Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { SecurityIncident as Incident } from '../data/repository.ts';

export const SecurityIncident: Resolvers<Loaders>['SecurityIncident'] = {
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.incidentById.load(reference.id),
  // Areas belong to another subgraph: a reference by key is all this subgraph returns. The convoy is resolved by
  // humanitarian from `convoyId` (@requires), which withholds a convoy not released to the caller without naming it.
  area: (incident: Incident) => ({ pcode: incident.areaPcode }),
  hxlTags: (incident: Incident) => Object.entries(incident.hxlTags ?? {}).map(([field, hashtag]) => ({ field, hashtag })),
  history: (incident: Incident, _args, { loaders }) => loaders.historyOf('SecurityIncident').load(incident.id),
  yellowLineSide(incident: Incident, args: { at?: Date | null }) {
    if (incident.latitude == null || incident.longitude == null) return null;
    const at = args.at ?? incident.occurredAt ?? new Date(`${incident.eventDate}T00:00:00Z`);
    return yellowLineSideOf(incident.latitude, incident.longitude, at);
  },
};
