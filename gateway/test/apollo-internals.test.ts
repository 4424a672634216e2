import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoneGateway, type ExtraGateway } from '@cmcc/test-support/gateway';
import { checkApolloVersions, installedApolloVersions, SUPPORTED_VERSIONS } from '../src/apollo-internals.ts';
import { isResultShapingInstalled, resultsShaped } from '../src/execution/result-shaping.ts';

/**
 * The adapter for Apollo's internals (gateway/src/apollo-internals.ts): it refuses Apollo versions it was not written
 * for with a message that says what to do, and the gateway's own result shaping is what shapes a real request.
 */

/** The versions gateway/package.json pins: what the installed packages must be. */
const pinned = (JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
const supportedInstall = { '@apollo/gateway': '2.14.4', '@apollo/query-planner': '2.14.4', '@apollo/federation-internals': '2.14.4', '@apollo/server': '5.5.1' };

describe('Apollo version check', () => {
  it('accepts the installed Apollo packages, which are the versions gateway/package.json pins', () => {
    const installed = installedApolloVersions();
    for (const name of ['@apollo/gateway', '@apollo/query-planner', '@apollo/federation-internals']) expect(installed[name], name).toBe(pinned[name]);
    expect(installed['@apollo/server']).toMatch(/^5\./);
    expect(() => checkApolloVersions()).not.toThrow();
    expect(Object.keys(SUPPORTED_VERSIONS).sort()).toEqual(Object.keys(supportedInstall).sort());
  });

  it('refuses another @apollo/gateway with a message naming the package, the installed and supported versions, and what to do', () => {
    let message = '';
    try {
      checkApolloVersions({ ...supportedInstall, '@apollo/gateway': '2.15.0' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('The gateway cannot start');
    expect(message).toContain('@apollo/gateway 2.15.0 is installed');
    expect(message).toContain('supports 2.14.x');
    expect(message).toContain('Install the supported versions');
    expect(message).toContain('add the version to SUPPORTED_VERSIONS');
    // Only the package that does not match is named.
    expect(message).not.toContain('@apollo/server 5.5.1');
  });

  it('names every package that does not match, also one that is not installed', () => {
    expect(() => checkApolloVersions({ ...supportedInstall, '@apollo/server': '6.0.0', '@apollo/query-planner': undefined })).toThrow(
      /@apollo\/query-planner \(not installed\) is installed; gateway\/src\/apollo-internals\.ts supports 2\.14\.x; @apollo\/server 6\.0\.0 is installed; gateway\/src\/apollo-internals\.ts supports 5\.x/,
    );
  });
});

describe('result shaping in a real request', () => {
  let gateway: ExtraGateway;
  beforeAll(async () => {
    gateway = await startLoneGateway();
  });
  afterAll(() => gateway?.close());

  it("is the gateway's own computeResponse: a request through the gateway moves the count only it keeps", async () => {
    const before = resultsShaped();
    // No subgraph is needed: @apollo/gateway plans `__typename` without a fetch and still shapes the result.
    const response = await gateway.query('query Typename { __typename alias: __typename }');
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ __typename: 'Query', alias: 'Query' });
    expect(resultsShaped()).toBe(before + 1);
    expect(isResultShapingInstalled()).toBe(true);
  });
});
