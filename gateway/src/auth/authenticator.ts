import type http from 'node:http';
import fs from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, importSPKI, jwtVerify, type CryptoKey, type JWTVerifyGetKey } from 'jose';
import { HttpError, requestIdOf } from '@cmcc/platform';
import type { Logger } from '@cmcc/platform';
import type { Principal } from '@cmcc/contracts';
import type { AuthConfig } from './config.ts';
import { ApiKeyStore } from './api-keys.ts';
import { principalFromClaims } from './claims.ts';
import { DEV_AUDIENCE, DEV_ISSUER, loadOrCreateDevKey } from './dev-keys.ts';
import { VerifiedTokens } from './verified-tokens.ts';

export type Authenticate = (request: http.IncomingMessage) => Promise<Principal>;

/**
 * The one answer to any failed authentication, whichever check failed (no credential, unknown key, bad signature,
 * expired, wrong issuer...): the reason is in the gateway's log, not in the body, where it would guide a forger.
 */
export const NOT_AUTHENTICATED = 'Not authenticated: send a valid bearer token (Authorization: Bearer <token>) or API key (x-api-key).';

/**
 * Who is calling: a bearer JWT verified against the identity provider's keys (issuer, audience, expiry, not-before,
 * allowed algorithms, small clock skew), or an API key of a service account. Anything else is HTTP 401.
 */
export async function createAuthenticator(config: AuthConfig, dataDir: string, logger: Logger): Promise<Authenticate> {
  let key: JWTVerifyGetKey | CryptoKey;
  let issuer = config.issuer;
  let audience = config.audience;
  let algorithms = config.algorithms;
  if (config.jwksUrl) {
    key = createRemoteJWKSet(new URL(config.jwksUrl));
  } else if (config.publicKeyFile) {
    const text = fs.readFileSync(config.publicKeyFile, 'utf8');
    key = text.trim().startsWith('{') ? createLocalJWKSet(JSON.parse(text)) : await importSPKI(text, algorithms[0]);
  } else {
    // No identity provider configured: trust the development key (and say so), for `npm start` and tests.
    const dev = await loadOrCreateDevKey(dataDir);
    key = createLocalJWKSet({ keys: [dev.publicJwk] });
    issuer ??= DEV_ISSUER;
    audience ??= DEV_AUDIENCE;
    algorithms = [dev.alg];
    logger.warn({ issuer, keyFile: 'auth/dev-signing-key.json' }, 'no identity provider configured: accepting development tokens (npm run token)');
  }
  const apiKeys = new ApiKeyStore(config.apiKeysFile);
  const verified = new VerifiedTokens();

  return async (request) => {
    const apiKey = request.headers['x-api-key'];
    if (typeof apiKey === 'string') {
      const principal = apiKeys.verify(apiKey);
      if (!principal) {
        logger.info({ requestId: requestIdOf(request), reason: 'API key unknown or revoked' }, 'refused an API key');
        throw new HttpError(401, 'UNAUTHENTICATED', NOT_AUTHENTICATED);
      }
      return principal;
    }
    const authorization = request.headers.authorization;
    const token = typeof authorization === 'string' && /^Bearer /i.test(authorization) ? authorization.slice(7).trim() : null;
    if (!token) throw new HttpError(401, 'UNAUTHENTICATED', NOT_AUTHENTICATED);
    const known = verified.get(token);
    if (known) return known;
    try {
      const { payload } = await jwtVerify(token, key as JWTVerifyGetKey, {
        issuer,
        audience,
        algorithms,
        clockTolerance: config.clockSkewSeconds,
        requiredClaims: ['exp'],
      });
      const principal = principalFromClaims(payload, config.claims);
      verified.set(token, principal, payload.exp!);
      return principal;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.info({ requestId: requestIdOf(request), reason }, 'refused a token');
      throw new HttpError(401, 'UNAUTHENTICATED', NOT_AUTHENTICATED);
    }
  };
}
