/**
 * Sign-in for the gateway's browser apps (explorer, floor): the bearer token kept in localStorage, what its claims say
 * about its holder, and in development the role picker's principals and tokens (gateway/src/auth/dev-sign-in.ts).
 * No DOM here beyond storage and fetch, so React and plain pages use it alike.
 */

/** Shared by the apps of one origin, so a token set in the explorer also signs in the floor (and the other way). */
export const TOKEN_KEY = 'cmcc.explorer.token';

export function readToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function storeToken(token: string): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: the token lives as long as the page
  }
}

/** Accepts a pasted token with or without the `Bearer ` prefix. */
export function normalizeToken(value: string): string {
  return value.trim().replace(/^bearer\s+/i, '');
}

/** The token's claims (not secret; the gateway verifies the signature), or undefined when it is not a readable JWT. */
export function tokenClaims(token: string): Record<string, unknown> | undefined {
  try {
    const payload = token.split('.')[1];
    return JSON.parse(
      atob(
        payload
          .replace(/-/g, '+')
          .replace(/_/g, '/')
          .padEnd(Math.ceil(payload.length / 4) * 4, '='),
      ),
    ) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** What the token says about its holder, in a line. */
export function describeToken(token: string): string {
  if (!token) return 'No token: every operation, introspection included, is refused (401).';
  const claims = tokenClaims(token);
  if (!claims) return 'Token set (not a JWT this page can read; the gateway decides).';
  const who = ['sub', 'nation', 'org', 'clearance'].map((claim) => claims[claim]).filter((value) => typeof value === 'string' && value);
  const exp = typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined;
  const expiry = exp ? (exp.getTime() < Date.now() ? `expired ${exp.toLocaleString()}` : `expires ${exp.toLocaleString()}`) : '';
  return [who.join(' · '), expiry].filter(Boolean).join(' — ') || 'Token set.';
}

export interface DevPrincipal {
  readonly name: string;
  readonly claims: Record<string, unknown>;
}

/** The development principals, or [] where the gateway offers no development sign-in (production, another IdP). */
export async function devPrincipals(base: string): Promise<DevPrincipal[]> {
  if (!base) return [];
  try {
    const response = await fetch(`${base}/principals`, { credentials: 'omit' });
    if (!response.ok) return [];
    return ((await response.json()) as { principals: DevPrincipal[] }).principals;
  } catch {
    return [];
  }
}

/** A development token for the named principal; throws with the gateway's message when refused. */
export async function mintDevToken(base: string, name: string): Promise<string> {
  const response = await fetch(`${base}/token?as=${encodeURIComponent(name)}`, { credentials: 'omit' });
  const body = (await response.json().catch(() => ({}))) as { token?: string; errors?: { message: string }[] };
  if (!response.ok || !body.token) throw new Error(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
  return body.token;
}
