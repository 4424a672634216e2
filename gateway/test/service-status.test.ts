import { describe, expect, it } from 'vitest';
import { describeServiceStatus, serviceStatusOf } from '../src/web/client/service-status.ts';

/**
 * What the explorer says above an answer (issue 19, point 5): the working groups whose service failed, from the
 * errors' extensions, and those whose fields were filled from their last known answer (stale), each once; nothing for
 * an answer without such errors, and nothing for errors that are not a service failing (a record withheld).
 */
describe('the service status of an answer', () => {
  it('names each failed working group once, with the reason, and the stale ones with the time of the answer used', () => {
    const status = serviceStatusOf({
      data: {},
      errors: [
        { message: 'a', extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'security', reason: 'timeout' } },
        { message: 'b', extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'security', reason: 'timeout' } },
        { message: 'c', extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'engineering', stale: { serviceName: 'engineering', asOf: '2026-12-07T10:00:00.000Z' } } },
        { message: 'withheld', extensions: { code: 'FORBIDDEN', serviceName: 'humanitarian' } },
      ],
    });
    expect(status).toEqual({ unavailable: [{ serviceName: 'security', reason: 'timeout' }], stale: [{ serviceName: 'engineering', asOf: '2026-12-07T10:00:00.000Z' }] });
    expect(describeServiceStatus(status)).toEqual([
      "The security working group's service is unavailable (timeout): its fields are empty (null) in this answer; the rest is complete.",
      "The engineering working group's service is unavailable: its fields show its last known answer, as of 2026-12-07T10:00:00.000Z.",
    ]);
  });

  it('says nothing for a complete answer, an answer with only other errors, or something that is not an answer', () => {
    for (const result of [{ data: { a: 1 } }, { errors: [{ message: 'no', extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }] }, null, 'text']) {
      expect(describeServiceStatus(serviceStatusOf(result))).toEqual([]);
    }
  });
});

describe('the floor’s line for an error', () => {
  it('says a working group’s figures are its last known answer, and as of when, when the gateway marked them stale', async () => {
    const { describeError } = await import('../src/floor/client/graphql.ts');
    const failed = { message: 'security unavailable', extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'security' } };
    expect(describeError(failed)).toBe('security working group · DOWNSTREAM_SERVICE_ERROR: security unavailable');
    expect(describeError({ ...failed, extensions: { ...failed.extensions, stale: { serviceName: 'security', asOf: '2026-12-07T10:00:00.000Z' } } })).toBe(
      'security working group · DOWNSTREAM_SERVICE_ERROR: security unavailable (its figures shown are its last known answer, as of 2026-12-07T10:00:00.000Z)',
    );
  });
});
