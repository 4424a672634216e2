import { controlLineAt, controlLines, type ControlLineVersion } from '@cmcc/subgraph-kit';

/** A version of the Yellow Line as the schema's ControlLine. */
export function controlLine(version: ControlLineVersion) {
  return {
    id: version.id,
    validFrom: version.validFrom,
    validTo: version.validTo,
    geometry: { type: version.geometry.type, coordinates: version.geometry.coordinates.map(([lon, lat]) => [lon, lat]) },
    source: version.source,
    description: version.description,
  };
}

/** The Yellow Line's versions (kit data, not a table: the geometry is public and the same for everyone). */
export const controlLineQueries = {
  controlLines: () => controlLines().map(controlLine),
  controlLine: (_root: unknown, args: { at?: Date | null }) => {
    const version = controlLineAt(args.at ?? new Date());
    return version ? controlLine(version) : null;
  },
};
