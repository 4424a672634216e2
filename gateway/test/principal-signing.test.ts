import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { PrincipalVerifier, signPrincipal } from '@cmcc/contracts';
import { TEST_PRINCIPAL, TEST_SHARED_SECRET } from '@cmcc/test-support/subgraph';
import { VerifiedTokens } from '../src/auth/verified-tokens.ts';
import { withFreshPrincipal } from '../src/server.ts';

/** The per-fetch principal token (signed with node:crypto) and the gateway's memory of verified bearer tokens. */

describe('principal tokens', () => {
  it('gives a retry a new token for the same principal and subgraph, which the subgraph accepts after the first was used', async () => {
    const verifier = new PrincipalVerifier(TEST_SHARED_SECRET, 'security');
    const first = await signPrincipal(TEST_PRINCIPAL, TEST_SHARED_SECRET, 'security');
    const init = { method: 'POST', body: '{"query":"{ incidents { id } }"}', headers: { 'content-type': 'application/json', 'x-cmcc-principal': first } };
    expect(await verifier.verify(first)).toEqual(TEST_PRINCIPAL);
    const retry = await withFreshPrincipal(init, TEST_SHARED_SECRET);
    const fresh = (retry!.headers as Record<string, string>)['x-cmcc-principal'];
    expect(fresh).not.toBe(first);
    expect(retry).toMatchObject({ method: 'POST', body: init.body, headers: { 'content-type': 'application/json' } });
    expect(await verifier.verify(fresh)).toEqual(TEST_PRINCIPAL);
    await expect(verifier.verify(first)).rejects.toThrow(/Replayed/);
    // A request without a principal token is left as it is.
    expect(await withFreshPrincipal({ body: 'x' }, TEST_SHARED_SECRET)).toEqual({ body: 'x' });
  });

  it("carry the principal's caveats to the subgraph, and none when the principal has none", async () => {
    const verifier = new PrincipalVerifier(TEST_SHARED_SECRET, 'security');
    const cleared = { ...TEST_PRINCIPAL, caveats: ['ORCON', 'MEDICAL'] };
    expect((await verifier.verify(await signPrincipal(cleared, TEST_SHARED_SECRET, 'security'))).caveats).toEqual(['ORCON', 'MEDICAL']);
    const { caveats: _none, ...withoutCaveats } = TEST_PRINCIPAL;
    expect((await verifier.verify(await signPrincipal(withoutCaveats, TEST_SHARED_SECRET, 'security'))).caveats).toEqual([]);
  });

  it('are standard HS256 JWTs: jose verifies them with the issuer, audience, jti and a 30-second lifetime', async () => {
    const token = await signPrincipal(TEST_PRINCIPAL, TEST_SHARED_SECRET, 'security');
    const { payload, protectedHeader } = await jwtVerify(token, TEST_SHARED_SECRET, { issuer: 'cmcc-gateway', audience: 'security', algorithms: ['HS256'] });
    expect(protectedHeader).toEqual({ alg: 'HS256' });
    expect(payload.principal).toEqual({ ...TEST_PRINCIPAL });
    expect(payload.exp! - payload.iat!).toBe(30);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('are accepted once by the subgraph they are for, and by no other, and not when altered', async () => {
    const verifier = new PrincipalVerifier(TEST_SHARED_SECRET, 'security');
    const token = await signPrincipal(TEST_PRINCIPAL, TEST_SHARED_SECRET, 'security');
    expect(await verifier.verify(token)).toEqual(TEST_PRINCIPAL);
    await expect(verifier.verify(token)).rejects.toThrow(/Replayed/);
    await expect(new PrincipalVerifier(TEST_SHARED_SECRET, 'engineering').verify(await signPrincipal(TEST_PRINCIPAL, TEST_SHARED_SECRET, 'security'))).rejects.toThrow(/Invalid/);
    const [header, payload, signature] = (await signPrincipal(TEST_PRINCIPAL, TEST_SHARED_SECRET, 'security')).split('.');
    const raised = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), principal: { ...TEST_PRINCIPAL, clearance: 'SECRET', subject: 'someone-else' } }),
    ).toString('base64url');
    await expect(verifier.verify(`${header}.${raised}.${signature}`)).rejects.toThrow(/Invalid/);
  });
});

describe('verified bearer tokens', () => {
  it('remembers a verified token until a minute has passed or it expires, whichever is first', () => {
    const tokens = new VerifiedTokens();
    const now = Date.UTC(2025, 10, 22, 8);
    tokens.set('long-lived', TEST_PRINCIPAL, now / 1000 + 3600, now);
    tokens.set('short-lived', TEST_PRINCIPAL, now / 1000 + 10, now);
    expect(tokens.get('long-lived', now + 59_000)).toBe(TEST_PRINCIPAL);
    expect(tokens.get('long-lived', now + 60_000)).toBeUndefined();
    expect(tokens.get('short-lived', now + 9_000)).toBe(TEST_PRINCIPAL);
    expect(tokens.get('short-lived', now + 10_000)).toBeUndefined();
    expect(tokens.get('never-verified', now)).toBeUndefined();
  });

  it('does not keep a token that has already expired', () => {
    const tokens = new VerifiedTokens();
    const now = Date.now();
    tokens.set('expired', TEST_PRINCIPAL, now / 1000 - 1, now);
    expect(tokens.get('expired', now)).toBeUndefined();
  });
});
