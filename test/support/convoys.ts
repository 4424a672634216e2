/** The requestConvoy mutation and a valid input for it, shared by the tests that need a real convoy write. */
import { expect } from 'vitest';
import type { TestSubgraph } from './subgraph.ts';

export const REQUEST_CONVOY = `mutation($input: RequestConvoyInput!) { requestConvoy(input: $input) { convoy { id } userErrors { message } } }`;

/** A synthetic collection convoy through Kerem Shalom to PS027001 under the given marking; overrides replace fields. */
export function convoyRequest(marking: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'COLLECTION',
    requestingOrganizationIds: ['XM-DAC-41140'],
    crossingId: 'KEREM_SHALOM',
    destinationPcode: 'PS027001',
    plannedStart: '2026-12-01T06:00:00Z',
    un2720Monitored: true,
    source: 'SYNTHETIC',
    marking,
    ...overrides,
  };
}

/** Writes an UNCLASSIFIED, CMCC-released convoy straight into an in-process humanitarian subgraph; its id. */
export async function requestConvoyIn(subgraph: TestSubgraph): Promise<string> {
  const { data, errors } = await subgraph.execute(REQUEST_CONVOY, {
    input: convoyRequest({ classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' }, { route: 'Illustrative route', driverNames: [] }),
  });
  expect(errors).toBeUndefined();
  return data.requestConvoy.convoy.id as string;
}
