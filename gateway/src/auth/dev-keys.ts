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
