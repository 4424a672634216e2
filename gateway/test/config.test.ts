import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../src/config.ts';
import { ConfigError } from '@cmcc/platform';

describe('gateway configuration', () => {
  it('defaults to port 4000 and the committed supergraph', () => {
    const config = loadGatewayConfig({});
    expect(config.port).toBe(4000);
    expect(config.supergraphPath).toMatch(/schema[\\/]supergraph\.graphql$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes subgraph URL overrides from SUBGRAPH_<NAME>_URL', () => {
    const config = loadGatewayConfig({ SUBGRAPH_CIVIL_ADMINISTRATION_URL: 'http://civil-administration:4001/graphql' });
    expect(config.subgraphUrls).toEqual({ 'civil-administration': 'http://civil-administration:4001/graphql' });
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      loadGatewayConfig({ GATEWAY_PORT: 'eighty', SUBGRAPH_SECURITY_URL: 'not a url', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(3);
    expect((error as ConfigError).message).toContain('GATEWAY_PORT');
  });
});
