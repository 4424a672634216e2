import { createHmac, createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { jwtVerify, errors as joseErrors } from 'jose';
import { CLASSIFICATIONS } from './marking.ts';
import type { Principal } from './principal.ts';

/**
 * Subgraphs trust only the gateway: it forwards the principal of each request in this header, as a short-lived
 * HS256 JWS signed with a secret the gateway and the subgraphs share. Each token is used once.
 */
export const PRINCIPAL_HEADER = 'x-cmcc-principal';
const ISSUER = 'cmcc-gateway';
const TOKEN_TTL_SECONDS = 30;
const CLOCK_TOLERANCE_SECONDS = 5;

/** The shared secret: `SUBGRAPH_SHARED_SECRET`, or on a development machine a random one kept in `<dataDir>/auth/`. */
export function loadOrCreateSharedSecret(configured: string | undefined, dataDir: string): Uint8Array {
  if (configured) return new TextEncoder().encode(configured);
  const file = path.join(dataDir, 'auth', 'subgraph-secret');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    // Several services start at once; the first creates the secret, the others read it.
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  for (let attempt = 0; ; attempt++) {
    const secret = fs.readFileSync(file, 'utf8').trim();
    if (secret.length >= 32 || attempt > 50) return new TextEncoder().encode(secret);
  }
}

const JWS_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');

/**
 * Signs the principal for one subgraph request: an HS256 JWS as jose's SignJWT makes it, signed with node:crypto
 * directly, since the gateway signs one per subgraph fetch and jose would import the key into WebCrypto each time.
 */
export async function signPrincipal(principal: Principal, secret: Uint8Array, audience: string): Promise<string> {
  const issuedAt = Math.floor(Date.now() / 1000);
  const payload = { principal: { ...principal }, iss: ISSUER, aud: audience, jti: randomUUID(), iat: issuedAt, exp: issuedAt + TOKEN_TTL_SECONDS };
  const signingInput = `${JWS_HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

export class PrincipalTokenError extends Error {}

/**
 * Where the ids (`jti`) of the principal tokens a subgraph has accepted are kept until they expire: this process's
 * memory by default; a store every replica of the subgraph shares (Redis) so that a token accepted by one is refused
 * by all the others.
 */
export interface UsedTokenRegistry {
  /** Records `jti` for `audience` as used until `expiresAt` (epoch seconds); false when it was recorded already. */
  claim(jti: string, audience: string, expiresAt: number): Promise<boolean>;
}

/** The ids of used tokens in this process's memory: enough for one replica. */
export class InMemoryUsedTokens implements UsedTokenRegistry {
  private readonly seen = new Map<string, number>();
  async claim(jti: string, audience: string, expiresAt: number): Promise<boolean> {
    const now = Date.now() / 1000;
    for (const [id, expiry] of this.seen) if (expiry < now) this.seen.delete(id);
    const id = `${audience}\0${jti}`;
    if (this.seen.has(id)) return false;
    this.seen.set(id, expiresAt);
    return true;
  }
}

/** How long after its `exp` a token id must still be remembered: a token is accepted until then. */
export const USED_TOKEN_GRACE_SECONDS = CLOCK_TOLERANCE_SECONDS;

/** Verifies gateway tokens for one subgraph: signature, issuer, audience, freshness, and that none is used twice. */
export class PrincipalVerifier {
  /** Imported once: given the raw bytes, jose would import the key again for every request. */
  private readonly key: KeyObject;

  constructor(
    secret: Uint8Array,
    private readonly audience: string,
    private readonly used: UsedTokenRegistry = new InMemoryUsedTokens(),
  ) {
    this.key = createSecretKey(secret);
  }

  async verify(token: string | undefined): Promise<Principal> {
    if (!token) throw new PrincipalTokenError(`Missing ${PRINCIPAL_HEADER}: subgraphs answer only requests that come through the gateway`);
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: this.audience,
        maxTokenAge: `${TOKEN_TTL_SECONDS + CLOCK_TOLERANCE_SECONDS}s`,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['jti', 'exp', 'iat'],
      }));
    } catch (error) {
      const reason = error instanceof joseErrors.JWTExpired ? 'expired' : error instanceof joseErrors.JOSEError ? error.code : 'malformed';
      throw new PrincipalTokenError(`Invalid ${PRINCIPAL_HEADER} (${reason})`);
    }
    if (!(await this.used.claim(payload.jti!, this.audience, payload.exp! + USED_TOKEN_GRACE_SECONDS))) {
      throw new PrincipalTokenError(`Replayed ${PRINCIPAL_HEADER}: each token is good for one request`);
    }
    return toPrincipal(payload.principal);
  }
}

function toPrincipal(value: unknown): Principal {
  const p = value as Record<string, unknown>;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  if (!p || typeof p.subject !== 'string' || !CLASSIFICATIONS.includes(p.clearance as never)) {
    throw new PrincipalTokenError(`Invalid ${PRINCIPAL_HEADER} (no subject or clearance)`);
  }
  return Object.freeze({
    subject: p.subject,
    nation: typeof p.nation === 'string' ? p.nation : null,
    organization: typeof p.organization === 'string' ? p.organization : null,
    workingGroups: strings(p.workingGroups),
    roles: strings(p.roles),
    scopes: strings(p.scopes),
    clearance: p.clearance as Principal['clearance'],
    participant: p.participant === true,
    caveats: strings(p.caveats),
  });
}
