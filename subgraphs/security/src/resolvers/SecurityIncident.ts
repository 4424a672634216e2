import type { Resolvers } from '../../../kit/src/index.ts';
import type { Loaders } from '../data/loaders.ts';
import type { SecurityIncident as Incident } from '../data/repository.ts';

export const SecurityIncident: Resolvers<Loaders>['SecurityIncident'] = {
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.incidentById.load(reference.id),
  // Areas and convoys belong to other subgraphs: a reference by key is all this subgraph returns.
  area: (incident: Incident) => ({ pcode: incident.areaPcode }),
  convoy: (incident: Incident) => (incident.convoyId ? { id: incident.convoyId } : null),
  hxlTags: (incident: Incident) => Object.entries(incident.hxlTags ?? {}).map(([field, hashtag]) => ({ field, hashtag })),
  history: (incident: Incident, _args, { loaders }) => loaders.historyOf('SecurityIncident').load(incident.id),
};
