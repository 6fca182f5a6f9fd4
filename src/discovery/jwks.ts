import { importJWK, type JWK } from 'jose';

import { keyFitsAlgorithm } from '../verification/algorithms.js';

/** A public signing key from a provider's JWKS, with the imported key cached per algorithm. */
export class VerificationKey {
  private readonly imported = new Map<string, Promise<CryptoKey | Uint8Array>>();
  private readonly ready = new Map<string, CryptoKey | Uint8Array>();

  constructor(
    readonly jwk: JWK,
    readonly kid: string | undefined,
    /** The `issuer` member Azure AD's multi-tenant JWKS gives each key: a template or one tenant's issuer. */
    readonly issuer?: string,
  ) {}

  /** Tells whether this key may verify a signature made with `alg`. */
  fits(alg: string): boolean {
    if (this.jwk.alg !== undefined && this.jwk.alg !== alg) {
      return false;
    }
    return keyFitsAlgorithm(alg, this.jwk.kty ?? '', this.jwk.crv);
  }

  /** Returns the key imported for `alg`, importing it on first use. */
  importFor(alg: string): Promise<CryptoKey | Uint8Array> {
    let key = this.imported.get(alg);
    if (key === undefined) {
      key = importJWK(this.jwk, alg);
      key.then(
        (imported) => this.ready.set(alg, imported),
        () => this.imported.delete(alg),
      );
      this.imported.set(alg, key);
    }
    return key;
  }

  /** Returns the key imported for `alg` without waiting, or `undefined` until {@link importFor} has finished importing it. */
  importedNow(alg: string): CryptoKey | Uint8Array | undefined {
    return this.ready.get(alg);
  }
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};

/**
 * Returns the keys of a JWKS that can verify signatures with one of `algorithms`. Encryption keys,
 * symmetric keys, keys of other types or algorithms, and malformed entries are skipped, so one
 * unusable key never hides the usable ones. Private members are dropped.
 *
 * @returns `undefined` when `document` is not a JWKS at all (no `keys` array).
 */
export function readVerificationKeys(document: unknown, algorithms: readonly string[]): VerificationKey[] | undefined {
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) {
    return undefined;
  }
  const usable: VerificationKey[] = [];
  for (const entry of keys) {
    const jwk = toPublicJwk(entry);
    if (jwk !== undefined && fitsAnyAlgorithm(jwk, algorithms)) {
      const issuer = (entry as { issuer?: unknown }).issuer;
      usable.push(new VerificationKey(jwk, jwk.kid, typeof issuer === 'string' ? issuer : undefined));
    }
  }
  return usable;
}

// A key that names its own algorithm is usable only when that algorithm is allowed.
function fitsAnyAlgorithm(jwk: JWK, algorithms: readonly string[]): boolean {
  const candidates = jwk.alg === undefined ? algorithms : algorithms.filter((alg) => alg === jwk.alg);
  return candidates.some((alg) => keyFitsAlgorithm(alg, jwk.kty ?? '', jwk.crv));
}

function toPublicJwk(entry: unknown): JWK | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    return undefined;
  }
  const source = entry as Record<string, unknown>;
  const members = typeof source.kty === 'string' ? PUBLIC_MEMBERS[source.kty] : undefined;
  if (members === undefined || !isSigningKey(source)) {
    return undefined;
  }
  const jwk: Record<string, string> = { kty: source.kty as string };
  for (const name of [...members, 'kid', 'alg']) {
    const value = source[name];
    if (value !== undefined && typeof value !== 'string') {
      return undefined;
    }
    if (value !== undefined) {
      jwk[name] = value;
    }
  }
  const complete = members.every((name) => jwk[name] !== undefined && (name === 'crv' || BASE64URL.test(jwk[name])));
  return complete ? (jwk as JWK) : undefined;
}

function isSigningKey(source: Record<string, unknown>): boolean {
  if (source.use !== undefined && source.use !== 'sig') {
    return false;
  }
  const operations = source.key_ops;
  return operations === undefined || (Array.isArray(operations) && operations.includes('verify'));
}
