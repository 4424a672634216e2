import path from 'node:path';
import { generateKeyPair, importJWK, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../src/auth/api-keys.ts';
import { principalFromClaims, DEFAULT_CLAIM_MAPPING } from '../src/auth/claims.ts';
import { DEV_AUDIENCE, DEV_ISSUER, loadOrCreateDevKey } from '../src/auth/dev-keys.ts';
import { postGraphQL, TEST_PRINCIPAL, TEST_SHARED_SECRET } from '@cmcc/test-support/subgraph';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { PRINCIPAL_HEADER, signPrincipal } from '@cmcc/contracts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const QUERY = '{ areas(level: GOVERNORATE) { pcode } }';
const ask = (headers: Record<string, string>) => postGraphQL(`${stack.gatewayUrl}/graphql`, QUERY, undefined, headers);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function devSigned(claims: JWTPayload, edit: (jwt: SignJWT) => SignJWT = (jwt) => jwt): Promise<string> {
  const key = await loadOrCreateDevKey(stack.dataDir);
  const jwt = new SignJWT({ sub: 'probe', clearance: 'SECRET', ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m');
  return edit(jwt).sign(await importJWK(key.privateJwk, key.alg));
}

describe('authentication at the gateway', () => {
  it('accepts a valid token, and answers 401 UNAUTHENTICATED without a credential', async () => {
    expect((await ask(bearer(await devSigned({})))).status).toBe(200);
    const none = await ask({});
    expect(none.status).toBe(401);
    expect(none.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await fetch(`${stack.gatewayUrl}/health`)).status).toBe(200);
  });

  it.each([
    ['expired', () => devSigned({}, (jwt) => jwt.setIssuedAt(Math.floor(Date.now() / 1000) - 7200).setExpirationTime(Math.floor(Date.now() / 1000) - 3600))],
    ['not yet valid', () => devSigned({}, (jwt) => jwt.setNotBefore(Math.floor(Date.now() / 1000) + 3600))],
    ['from another issuer', () => devSigned({}, (jwt) => jwt.setIssuer('https://evil.example'))],
    ['for another audience', () => devSigned({}, (jwt) => jwt.setAudience('another-service'))],
    [
      'without an expiry',
      async () => {
        const key = await loadOrCreateDevKey(stack.dataDir);
        return new SignJWT({ sub: 'probe' })
          .setProtectedHeader({ alg: key.alg, kid: key.kid })
          .setIssuer(DEV_ISSUER)
          .setAudience(DEV_AUDIENCE)
          .sign(await importJWK(key.privateJwk, key.alg));
      },
    ],
    ['with alg: none', async () => new UnsecuredJWT({ sub: 'probe', clearance: 'SECRET' }).setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE).setExpirationTime('5m').encode()],
    [
      'tampered (clearance raised after signing)',
      async () => {
        const [header, payload, signature] = (await devSigned({ clearance: 'UNCLASSIFIED' })).split('.');
        const raised = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), clearance: 'SECRET' };
        return [header, Buffer.from(JSON.stringify(raised)).toString('base64url'), signature].join('.');
      },
    ],
    ['unsigned (signature stripped)', async () => `${(await devSigned({})).split('.').slice(0, 2).join('.')}.`],
    [
      'signed by another key',
      async () => {
        const { privateKey } = await generateKeyPair('ES256');
        const key = await loadOrCreateDevKey(stack.dataDir);
        return new SignJWT({ sub: 'probe' })
          .setProtectedHeader({ alg: 'ES256', kid: key.kid })
          .setIssuer(DEV_ISSUER)
          .setAudience(DEV_AUDIENCE)
          .setExpirationTime('5m')
          .sign(privateKey);
      },
    ],
    [
      'HS256 keyed with the public key (algorithm confusion)',
      async () => {
        const key = await loadOrCreateDevKey(stack.dataDir);
        return new SignJWT({ sub: 'probe' })
          .setProtectedHeader({ alg: 'HS256', kid: key.kid })
          .setIssuer(DEV_ISSUER)
          .setAudience(DEV_AUDIENCE)
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(JSON.stringify(key.publicJwk)));
      },
    ],
  ])('refuses a token %s with 401', async (_name, make) => {
    const response = await ask(bearer(await make()));
    expect(response.status).toBe(401);
    expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // Which check failed is logged, not told: every refused token gets the same generic body.
    expect(response.errors?.[0].message).toMatch(/^Not authenticated\b/);
    expect(response.errors?.[0].message).not.toMatch(/exp|nbf|issuer|iss|audience|aud|signature|alg|claim/i);
    expect(response.data).toBeUndefined();
  });

  it('accepts an API key of a service account until it is revoked', async () => {
    const store = new ApiKeyStore(path.join(stack.dataDir, 'auth', 'api-keys.json'));
    const { id, key } = store.create('ops-floor-dashboard', { ...TEST_PRINCIPAL, subject: 'svc-dashboard', scopes: ['read:*'] });
    // The secret is everything after `cmcc_<id>_` (base64url: it may itself contain `_`).
    expect(store.list()[0].hash).not.toContain(key.split('_').slice(2).join('_'));
    expect((await ask({ 'x-api-key': key })).status).toBe(200);
    expect((await ask({ 'x-api-key': `${key.slice(0, -1)}x` })).status).toBe(401);
    expect(store.revoke(id)).toBe(true);
    const revoked = await ask({ 'x-api-key': key });
    expect(revoked.status).toBe(401);
    // The same body as any other refusal: nothing tells a caller that this key existed.
    expect(revoked.errors?.[0].message).toMatch(/^Not authenticated\b/);
    expect(revoked.errors?.[0].message).not.toMatch(/revoked|unknown/i);
  });
});

describe('claims mapping', () => {
  it('maps Keycloak-style nested claims through configuration', () => {
    const principal = principalFromClaims(
      { sub: 'u-1', realm_access: { roles: ['editor'] }, org_id: 'XM-DAC-41140', country: 'jor', clearance: 'restricted', scope: 'openid write:humanitarian' },
      { ...DEFAULT_CLAIM_MAPPING, roles: 'realm_access.roles', organization: 'org_id', nation: 'country' },
    );
    expect(principal).toMatchObject({
      subject: 'u-1',
      roles: ['editor'],
      organization: 'XM-DAC-41140',
      nation: 'JOR',
      clearance: 'RESTRICTED',
      scopes: ['openid', 'write:humanitarian'],
    });
    expect(() => principalFromClaims({ sub: 'u-2', clearance: 'TOP_SECRET_PLUS' }, DEFAULT_CLAIM_MAPPING)).toThrow(/clearance/);
  });

  it('makes a CMCC participant only of a token whose participant claim says so (no claim: not a participant)', () => {
    const participant = (claims: Record<string, unknown>) => principalFromClaims({ sub: 'p', ...claims }, DEFAULT_CLAIM_MAPPING).participant;
    expect(participant({})).toBe(false);
    expect(participant({ cmcc: false })).toBe(false);
    expect(participant({ cmcc: 'yes' })).toBe(false);
    expect(participant({ cmcc: 1 })).toBe(false);
    expect(participant({ cmcc: true })).toBe(true);
    expect(participant({ cmcc: 'true' })).toBe(true);
  });

  it('reads the caveats a principal is cleared for from the caveats claim, as an array or a string; none without it', () => {
    const caveats = (claims: Record<string, unknown>, mapping = DEFAULT_CLAIM_MAPPING) => principalFromClaims({ sub: 'p', ...claims }, mapping).caveats;
    expect(caveats({})).toEqual([]);
    expect(caveats({ caveats: ['ORCON', 'MEDICAL'] })).toEqual(['ORCON', 'MEDICAL']);
    expect(caveats({ caveats: 'ORCON PROPIN' })).toEqual(['ORCON', 'PROPIN']);
    expect(caveats({ handling: { caveats: ['MEDICAL'] } }, { ...DEFAULT_CLAIM_MAPPING, caveats: 'handling.caveats' })).toEqual(['MEDICAL']);
  });
});

describe('subgraphs trust only the gateway', () => {
  const names = ['civil-administration', 'humanitarian', 'security', 'engineering'];
  const direct = (name: string, headers: Record<string, string>) => postGraphQL(`${stack.subgraphs[name].url}/graphql`, '{ __typename }', undefined, headers);

  it.each(names)('%s refuses missing, forged, misaddressed, expired and replayed principal headers', async (name) => {
    expect((await direct(name, {})).status).toBe(401);
    const forged = await signPrincipal(TEST_PRINCIPAL, new TextEncoder().encode('not-the-shared-secret-but-just-as-long!!'), name);
    expect((await direct(name, { [PRINCIPAL_HEADER]: forged })).status).toBe(401);
    const forAnother = await signPrincipal(TEST_PRINCIPAL, TEST_SHARED_SECRET, name === 'security' ? 'engineering' : 'security');
    expect((await direct(name, { [PRINCIPAL_HEADER]: forAnother })).status).toBe(401);
    const expired = await new SignJWT({ principal: { ...TEST_PRINCIPAL } })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('cmcc-gateway')
      .setAudience(name)
      .setJti('expired-1')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 500)
      .sign(TEST_SHARED_SECRET);
    expect((await direct(name, { [PRINCIPAL_HEADER]: expired })).status).toBe(401);

    const genuine = await signPrincipal(TEST_PRINCIPAL, TEST_SHARED_SECRET, name);
    const first = await direct(name, { [PRINCIPAL_HEADER]: genuine });
    expect(first.status).toBe(200);
    const replayed = await direct(name, { [PRINCIPAL_HEADER]: genuine });
    expect(replayed.status).toBe(401);
    expect(replayed.errors?.[0].message).toContain('Replayed');
  });
});
