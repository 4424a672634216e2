import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Principal } from '@cmcc/contracts';

/**
 * API keys for dashboard service accounts, kept in a JSON file: only a SHA-256 hash of each key is stored (keys are
 * 32 random bytes, so a plain hash is enough), a key is shown once when created, and a revoked key stops working at
 * the next request.
 */
export interface StoredApiKey {
  id: string;
  name: string;
  hash: string;
  principal: Principal;
  createdAt: string;
  revokedAt: string | null;
}

const KEY_FORMAT = /^cmcc_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest();

export class ApiKeyStore {
  constructor(private readonly file: string) {}

  list(): StoredApiKey[] {
    return fs.existsSync(this.file) ? (JSON.parse(fs.readFileSync(this.file, 'utf8')) as StoredApiKey[]) : [];
  }

  private save(keys: StoredApiKey[]): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(keys, null, 2), { mode: 0o600 });
    fs.renameSync(temporary, this.file);
  }

  /** Creates a key for a service account; returns the key itself, which is not stored and cannot be shown again. */
  create(name: string, principal: Principal): { id: string; key: string } {
    const id = randomBytes(6).toString('hex').slice(0, 8);
    const key = `cmcc_${id}_${randomBytes(32).toString('base64url')}`;
    this.save([...this.list(), { id, name, hash: sha256(key).toString('hex'), principal, createdAt: new Date().toISOString(), revokedAt: null }]);
    return { id, key };
  }

  revoke(id: string): boolean {
    const keys = this.list();
    const key = keys.find((k) => k.id === id && !k.revokedAt);
    if (!key) return false;
    key.revokedAt = new Date().toISOString();
    this.save(keys);
    return true;
  }

  /** The principal of a valid, unrevoked key; null otherwise. Read from the file each time, so revocation is immediate. */
  verify(key: string): Principal | null {
    const match = KEY_FORMAT.exec(key);
    if (!match) return null;
    const stored = this.list().find((k) => k.id === match[1]);
    if (!stored || stored.revokedAt) return null;
    return timingSafeEqual(Buffer.from(stored.hash, 'hex'), sha256(key)) ? stored.principal : null;
  }
}
