/**
 * Under NODE_ENV=production the gateway refuses to start on development credentials: the development signing key
 * (anyone who can run `npm run token` against the data folder mints any principal) and a shared secret generated into
 * the data folder (each replica would generate its own). AUTH_ALLOW_DEVELOPMENT_KEYS=true allows them, for a trial.
 */
export function developmentKeyProblems(settings: { production: boolean; allowDevelopmentKeys: boolean; externalIdentityProvider: boolean; sharedSecretSet: boolean }): string[] {
  if (!settings.production || settings.allowDevelopmentKeys) return [];
  const problems: string[] = [];
  const override = 'or set AUTH_ALLOW_DEVELOPMENT_KEYS=true to allow development keys (a trial, never real data)';
  if (!settings.externalIdentityProvider) {
    problems.push(
      `NODE_ENV=production without AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE would trust the development signing key (tokens from \`npm run token\`): configure the identity provider, ${override}`,
    );
  }
  if (!settings.sharedSecretSet) {
    problems.push(
      `NODE_ENV=production without SUBGRAPH_SHARED_SECRET would sign principals with a secret generated into DATA_DIR: set it (32+ characters, the subgraphs' too), ${override}`,
    );
  }
  return problems;
}
