import { createHash, hash } from 'node:crypto';

import { DEFAULT_CLAIM_RULES } from '../verification/claim-rules.js';

const PREFIX = 'rco';

/** Returns the SHA-256 digest of `token`, base64url-encoded. */
export function digestToken(token: string): string {
  // crypto.hash (Node 20.12 and later) skips the Hash object that createHash builds for each call.
  return hash('sha256', token, 'base64url');
}

/** The parts of a provider's configuration that decide which tokens it accepts. */
export interface NamespaceProvider {
  oidcUrls: readonly string[];
  audiences: readonly string[];
  issuer?: string;
  sameOriginIssuer?: boolean;
  tokenIssuer?: string;
  schemelessIssuer?: boolean;
  multiTenant?: boolean;
  rules?: { audienceClaim: string; requiredClaims: Readonly<Record<string, readonly unknown[]>>; tenants?: ReadonlySet<string> };
}

/**
 * Returns the cache namespace of a configuration: a digest of its providers' discovery URLs,
 * issuer rules, audiences and claim rules, in order, and of its accepted algorithms. Two services
 * that would judge a token differently never share cache entries, even in one store.
 */
export function cacheNamespace(providers: readonly NamespaceProvider[], algorithms: readonly string[] = []): string {
  const rules = providers.map((provider) => [
    provider.oidcUrls,
    provider.issuer ?? null,
    provider.sameOriginIssuer ?? false,
    provider.audiences,
    provider.tokenIssuer ?? null,
    provider.schemelessIssuer ?? false,
    provider.multiTenant ?? false,
    claimRulesIdentity(provider.rules),
  ]);
  const identity = JSON.stringify([rules, [...algorithms].sort()]);
  return `${PREFIX}:${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}`;
}

function claimRulesIdentity(rules: NamespaceProvider['rules'] = DEFAULT_CLAIM_RULES): unknown {
  const required = Object.keys(rules.requiredClaims)
    .sort()
    .map((claim) => [claim, [...rules.requiredClaims[claim]].map((value) => JSON.stringify(value)).sort()]);
  const tenants = rules.tenants === undefined ? null : [...rules.tenants].sort();
  return [rules.audienceClaim, required, tenants];
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
