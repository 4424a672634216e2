import type { Resolvers } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { GoverningBody as Body, GoverningBodyMember as Member } from '../data/repository.ts';

export const GoverningBody: Resolvers<Loaders>['GoverningBody'] = {
  steps: (body: Body, _args, { loaders }) => loaders.stepsByBody.load(body.id),
  members: (body: Body, _args, { loaders }) => loaders.membersByBody.load(body.id),
};

export const GoverningBodyMember: Resolvers<Loaders>['GoverningBodyMember'] = {
  organization: (member: Member) => (member.organization ? { id: member.organization } : null),
  // The body is null with FORBIDDEN when it is not released to the caller, like any withheld record asked for by key.
  body: (member: Member, _args, { loaders }) => loaders.governingBodyById.load(member.bodyId),
};
