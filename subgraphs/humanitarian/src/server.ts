import { subgraphRoot, type Resolvers, type SubgraphDefinition } from '@cmcc/subgraph-kit';
import { createLoaders, type Loaders } from './data/loaders.ts';
import { seed } from './data/seed.ts';
import { importers } from './data/importers.ts';
import { medevacWaitingList, medicalEvacuations } from './data/medevac-import.ts';
import { seedMedicalEvacuations } from './data/medevac-seed.ts';
import { Activity, ReportedAidFigure } from './resolvers/Activity.ts';
import { AidDeliverySummary, Area } from './resolvers/Area.ts';
import { Convoy, TruckConsignment } from './resolvers/Convoy.ts';
import { Crossing, CrossingDailyReport, CrossingStreamReport, CrossingThroughput, StagingArea, StagingAreaObservation } from './resolvers/Crossing.ts';
import { Facility } from './resolvers/Facility.ts';
import {
  CrossingMedicalEvacuations,
  MedicalEvacuation,
  MedicalEvacuationConnection,
  MedicalEvacuationMutation,
  MedicalEvacuationQuery,
  MedicalEvacuationWaitingFigure,
} from './resolvers/MedicalEvacuation.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Subscription } from './resolvers/Subscription.ts';
import { Organization } from './resolvers/Organization.ts';
import { Query } from './resolvers/Query.ts';
import { SecurityIncident } from './resolvers/SecurityIncident.ts';
import { CoordinationRequest } from './resolvers/CoordinationRequest.ts';

/** One type's resolvers, from the parts kept in separate files (e.g. the medical evacuation fields of `Query`). */
const merged = (...parts: Resolvers<Loaders>[string][]): Resolvers<Loaders>[string] => Object.assign({}, ...parts);

/** The humanitarian working group's subgraph: owner of `Organization`, `Crossing` and `Convoy`. */
export const humanitarian: SubgraphDefinition<Loaders> = {
  name: 'humanitarian',
  defaultPort: 4002,
  root: subgraphRoot(import.meta.url),
  resolvers: {
    Query: merged(Query, MedicalEvacuationQuery),
    Mutation: merged(Mutation, MedicalEvacuationMutation),
    Subscription,
    Organization,
    Crossing: merged(Crossing, CrossingMedicalEvacuations),
    CrossingDailyReport,
    CrossingStreamReport,
    CrossingThroughput,
    StagingArea,
    StagingAreaObservation,
    Convoy,
    TruckConsignment,
    Activity,
    ReportedAidFigure,
    Area,
    AidDeliverySummary,
    Facility,
    SecurityIncident,
    MedicalEvacuation,
    MedicalEvacuationConnection,
    MedicalEvacuationWaitingFigure,
    CoordinationRequest,
  },
  createLoaders,
  async seed(db) {
    await seed(db);
    await seedMedicalEvacuations(db);
  },
  importers: [...importers, medicalEvacuations, medevacWaitingList],
};
