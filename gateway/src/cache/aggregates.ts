import type { SchemaLike } from '@cmcc/audit-trail';

/**
 * Fields whose value is worked out from records of other types, each of which a principal may or may not be released:
 * a change to any of those records (a new one, an edit, a new marking) can change the figure. The response cache tags
 * an answer that reads one of these fields with the types it is worked out from, so a mutation returning such a record
 * evicts it (gateway/src/cache/tags.ts). Keep this table next to the schema's descriptions of these fields: a new
 * aggregate (a sum, a count, a "most recent released" value) belongs here.
 *
 * `totalCount` of a connection needs no line: it counts the connection's nodes, found from the schema.
 */
export const AGGREGATED_FROM: Readonly<Record<string, readonly string[]>> = Object.freeze({
  /** Units and personnel by readiness, counting only the contributions released to the caller. */
  'Area.forceStrength': ['ForceContribution'],
  /** Delivered consignments of the convoys released to the reader. */
  'Area.aidDeliveries': ['TruckConsignment', 'Convoy'],
  /** The level of the most recent threat assessment released to the caller. */
  'Area.threatLevel': ['ThreatAssessment'],
  'Crossing.threatLevel': ['ThreatAssessment'],
  'Area.threatAssessment': ['ThreatAssessment'],
});

const namedType = (type: unknown) => String(type).replace(/[[\]!]/g, '');

function fieldsOf(schema: SchemaLike, typeName: string): Record<string, { type: unknown }> | undefined {
  const type = schema.getType(typeName) as { getFields?: () => Record<string, { type: unknown }> } | null | undefined;
  return typeof type?.getFields === 'function' ? type.getFields() : undefined;
}

/** The record types `Type.field` is worked out from (empty for a plain field): the table above, or a connection's nodes. */
export function aggregatedFrom(schema: SchemaLike, typeName: string, field: string): readonly string[] {
  const declared = AGGREGATED_FROM[`${typeName}.${field}`];
  if (declared) return declared;
  if (field !== 'totalCount') return [];
  const connection = fieldsOf(schema, typeName);
  const edge = connection?.edges && fieldsOf(schema, namedType(connection.edges.type))?.node;
  const node = edge ?? connection?.nodes;
  return node ? [namedType(node.type)] : [];
}
