import type { ProtectedHeaderParameters } from 'jose';

import type { VerificationKey } from '../discovery/jwks.js';
import { AuthError } from './errors.js';

/** The largest key id accepted from a token header, in characters. */
export const MAX_KEY_ID_LENGTH = 1024;

/**
 * Returns the key of `keys` whose id is the header's `kid`. A token must name its key: every
 * provider this library targets sets `kid`, and trying each key in turn would multiply the cost of
 * a forged token.
 *
 * @throws {AuthError} `key_not_found` when no key has the id; `invalid_token` when the header has
 * no `kid` or the key does not fit the header's algorithm.
 */
export function selectKey(keys: readonly VerificationKey[], kid: string | undefined, alg: string): VerificationKey {
  if (kid === undefined) {
    throw new AuthError('invalid_token');
  }
  const named = keys.filter((candidate) => candidate.kid === kid);
  if (named.length === 0) {
    throw new AuthError('key_not_found');
  }
  // Several keys may share an id (an RSA and an EC key during a migration); the algorithm decides.
  const key = named.find((candidate) => candidate.fits(alg));
  if (key === undefined) {
    throw new AuthError('invalid_token');
  }
  return key;
}

/** Returns the header's `kid` when it is a string of acceptable length; throws `invalid_token` otherwise. */
export function readKeyId(header: ProtectedHeaderParameters): string | undefined {
  const kid: unknown = header.kid;
  if (kid === undefined) {
    return undefined;
  }
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KEY_ID_LENGTH) {
    throw new AuthError('invalid_token');
  }
  return kid;
}
