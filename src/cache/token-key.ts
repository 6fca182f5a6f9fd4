import { createHash, hash } from 'node:crypto';

const PREFIX = 'rco';

/** Returns the SHA-256 digest of `token`, base64url-encoded. */
export function digestToken(token: string): string {
  // crypto.hash (Node 20.12 and later) skips the Hash object that createHash builds for each call.
  return hash('sha256', token, 'base64url');
}

/**
 * Returns the cache namespace of a configuration: a digest of its providers' discovery URLs,
 * issuer rules and audiences, in order, and of its accepted algorithms. Two services that would
 * judge a token differently never share cache entries, even in one store.
 */
export function cacheNamespace(
  providers: ReadonlyArray<{ oidcUrls: readonly string[]; issuer?: string; sameOriginIssuer?: boolean; audiences: readonly string[] }>,
  algorithms: readonly string[] = [],
): string {
  const rules = providers.map((provider) => [provider.oidcUrls, provider.issuer ?? null, provider.sameOriginIssuer ?? false, provider.audiences]);
  const identity = JSON.stringify([rules, [...algorithms].sort()]);
  return `${PREFIX}:${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}`;
}

/** Returns the cache key of a verified token in `namespace`; pass `digest` when it is already known. */
export function verifiedTokenKey(namespace: string, token: string, digest = digestToken(token)): string {
  return `${namespace}:${digest}`;
}

/**
 * Returns the key that marks `token` as revoked. It is shared by every configuration, so a token
 * revoked by one service is refused by every service that uses the same store.
 */
export function revokedTokenKey(token: string, digest = digestToken(token)): string {
  return `${PREFIX}:revoked:${digest}`;
}
