import type { ClaimMapping } from './claims.ts';

/** How the gateway authenticates callers. */
export interface AuthConfig {
  /** The identity provider's JWKS endpoint (e.g. Keycloak's .../protocol/openid-connect/certs). */
  readonly jwksUrl: string | undefined;
  /** A PEM public key or a JWKS JSON file, instead of a JWKS URL. */
  readonly publicKeyFile: string | undefined;
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
  readonly algorithms: string[];
  readonly clockSkewSeconds: number;
  readonly claims: ClaimMapping;
  /** Hashed API keys of service accounts. */
  readonly apiKeysFile: string;
}
