import fs from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';

/** Issuer and audience of development tokens (`npm run token`). */
export const DEV_ISSUER = 'cmcc-dev';
export const DEV_AUDIENCE = 'cmcc-supergraph';
const ALG = 'ES256';

interface DevKeyFile {
  alg: string;
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * The development signing key under `<dataDir>/auth/dev-signing-key.json`, created on first use. Only used when no
 * identity provider is configured (AUTH_JWKS_URL / AUTH_PUBLIC_KEY_FILE).
 */
export async function loadOrCreateDevKey(dataDir: string): Promise<DevKeyFile> {
  const file = path.join(dataDir, 'auth', 'dev-signing-key.json');
  if (!fs.existsSync(file)) {
    const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
    const kid = `dev-${Date.now().toString(36)}`;
    const content: DevKeyFile = { alg: ALG, kid, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALG }, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALG } };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      fs.writeFileSync(file, JSON.stringify(content, null, 2), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as DevKeyFile;
}

/** Signs a development token with the development key. */
export async function signDevToken(dataDir: string, claims: JWTPayload, expiresIn = '8h'): Promise<string> {
  const key = await loadOrCreateDevKey(dataDir);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setIssuedAt()
    .setNotBefore('0s')
    .setExpirationTime(expiresIn)
    .sign(await importJWK(key.privateJwk, key.alg));
}

/**
 * Development principals, one of each kind docs/domain.md describes (`npm run token -- --as <name>`): the claims a real
 * identity provider would issue. Between them they exercise every part of the releasability rule: nations and group
 * codes, UN agencies and NGOs without a national clearance, the participant claim (and a principal without it), and
 * handling caveats (`caveats`). The leak matrix (test/leaks.test.ts) checks each of them reads what its own nation or
 * organisation originated.
 */
export const DEV_PRINCIPALS: Readonly<Record<string, Readonly<JWTPayload>>> = Object.freeze({
  'operations-dashboard': { sub: 'operations-dashboard', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['dashboard'], scope: 'read:*', cmcc: true },
  'us-j2-analyst': { sub: 'cmcc-j2-watch', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['analyst'], wg: ['intelligence'], cmcc: true, caveats: ['ORCON'] },
  'gbr-j2-lead': { sub: 'gbr-j2-lead', nation: 'GBR', org: 'CMCC', clearance: 'SECRET', roles: ['member'], wg: ['intelligence'], cmcc: true },
  'deu-engineer': { sub: 'deu-engineer', nation: 'DEU', org: 'CMCC', clearance: 'CONFIDENTIAL', roles: ['member'], wg: ['engineering'], cmcc: true },
  'egy-liaison': { sub: 'egy-liaison', nation: 'EGY', org: 'CMCC', clearance: 'RESTRICTED', roles: ['member'], wg: ['security'], cmcc: true },
  'isr-cogat-liaison': { sub: 'isr-cogat-liaison', nation: 'ISR', clearance: 'SECRET', roles: ['member'], wg: ['humanitarian'], cmcc: true },
  'ocha-officer': { sub: 'cmcc-hum-lead', org: 'XM-DAC-41127', clearance: 'UNCLASSIFIED', roles: ['member'], wg: ['humanitarian'], cmcc: true },
  'wfp-officer': { sub: 'wfp-officer', org: 'XM-DAC-41140', clearance: 'UNCLASSIFIED', roles: ['editor'], scope: 'write:humanitarian', wg: ['humanitarian'], cmcc: true },
  'who-medevac': { sub: 'who-medevac', org: 'XM-DAC-928', clearance: 'UNCLASSIFIED', roles: ['member'], wg: ['humanitarian'], cmcc: true, caveats: ['MEDICAL'] },
  'prcs-volunteer': { sub: 'prcs-volunteer', org: 'XI-CMCC-PRCS', clearance: 'UNCLASSIFIED', roles: ['member'], wg: ['humanitarian'], cmcc: true },
  auditor: { sub: 'auditor', nation: 'USA', org: 'CMCC', clearance: 'CONFIDENTIAL', roles: ['auditor'], scope: 'audit:read', cmcc: true },
  // No participant claim: not a CMCC participant (no TLP:GREEN, nothing released to CMCC).
  'us-visitor': { sub: 'us-visitor', nation: 'USA', clearance: 'SECRET', roles: ['member'] },
});
