import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AuditConfig } from './config.ts';
import { sha256 } from './records.ts';

/** Signs and verifies checkpoints and the head. HMAC-SHA256 (a shared audit key) or Ed25519 (a key pair on disk). */
export interface AuditKey {
  readonly alg: 'HS256' | 'EdDSA';
  /** Names the key without revealing it, so a verifier can tell "wrong key" from "forged". */
  readonly keyId: string;
  readonly canSign: boolean;
  sign(data: string): string;
  verify(data: string, signature: string): boolean;
}

export function hmacAuditKey(secret: string): AuditKey {
  const mac = (data: string) => crypto.createHmac('sha256', secret).update(data).digest();
  return {
    alg: 'HS256',
    keyId: `hmac:${sha256(`cmcc-audit-key-id:${secret}`).slice(0, 16)}`,
    canSign: true,
    sign: (data) => mac(data).toString('base64url'),
    verify(data, signature) {
      const expected = mac(data);
      const given = Buffer.from(signature, 'base64url');
      return given.length === expected.length && crypto.timingSafeEqual(given, expected);
    },
  };
}

interface KeyFile {
  alg: 'EdDSA';
  kid: string;
  publicJwk: crypto.JsonWebKey;
  privateJwk?: crypto.JsonWebKey;
}

function ed25519Key(file: KeyFile): AuditKey {
  const publicKey = crypto.createPublicKey({ key: file.publicJwk, format: 'jwk' });
  const privateKey = file.privateJwk ? crypto.createPrivateKey({ key: file.privateJwk, format: 'jwk' }) : null;
  return {
    alg: 'EdDSA',
    keyId: file.kid,
    canSign: privateKey !== null,
    sign(data) {
      if (!privateKey) throw new Error(`the audit key ${file.kid} has no private part: it can verify, not sign`);
      return crypto.sign(null, Buffer.from(data), privateKey).toString('base64url');
    },
    verify: (data, signature) => crypto.verify(null, Buffer.from(data), publicKey, Buffer.from(signature, 'base64url')),
  };
}

/** The Ed25519 audit key at `file`, created (mode 0600) on first use. */
export function loadOrCreateEd25519Key(file: string): AuditKey {
  if (!fs.existsSync(file)) {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    const publicJwk = publicKey.export({ format: 'jwk' });
    const kid = `ed25519:${sha256(publicJwk.x ?? '').slice(0, 16)}`;
    const content: KeyFile = { alg: 'EdDSA', kid, publicJwk, privateJwk: privateKey.export({ format: 'jwk' }) };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      fs.writeFileSync(file, JSON.stringify(content, null, 2), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return ed25519Key(JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile);
}

/** The public part of an Ed25519 audit key file, to hand to verifiers that must not be able to sign. */
export function publicKeyFileContent(file: string): string {
  const { alg, kid, publicJwk } = JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile;
  return JSON.stringify({ alg, kid, publicJwk }, null, 2);
}

/** Reads an Ed25519 key file (with or without its private part) without creating one. */
export function loadEd25519Key(file: string): AuditKey {
  return ed25519Key(JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile);
}

/** The key the configuration names: `AUDIT_SIGNING_KEY` (HMAC), else the Ed25519 key file (created when `create`). */
export function auditKeyFromConfig(config: AuditConfig, { create }: { create: boolean }): AuditKey {
  if (config.signingKey) return hmacAuditKey(config.signingKey);
  if (create) return loadOrCreateEd25519Key(config.keyFile);
  if (!fs.existsSync(config.keyFile)) throw new Error(`no audit key: set AUDIT_SIGNING_KEY or provide ${config.keyFile}`);
  return loadEd25519Key(config.keyFile);
}
