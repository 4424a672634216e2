/**
 * What @apollo/gateway needs of the composed supergraph to load it: the links of the authorization directives this
 * gateway enforces itself (gateway/src/stages/authorize.ts) without their `for: SECURITY` purpose.
 */
export const SECURITY_FEATURES = ['authenticated', 'requiresScopes', 'policy'];

/**
 * The composed supergraph marks these features `for: SECURITY`, which @apollo/gateway refuses to load because it
 * cannot enforce them. This gateway enforces them itself, so it hands @apollo/gateway the supergraph with those
 * three links as plain features; any other SECURITY feature is still refused.
 */
export function gatewayCompatibleSdl(supergraphSdl: string): string {
  return supergraphSdl.replace(/(@link\(url: "https:\/\/specs\.apollo\.dev\/(authenticated|requiresScopes|policy)\/v[\d.]+"), for: SECURITY\)/g, '$1)');
}
