import type { JWTPayload } from 'jose';

/**
 * Tells whether the registered claims jose does not check by itself have their RFC 7519 types.
 * `sub` must be a non-empty string (an empty subject identifies no one) and `jti` a string. `aud`
 * must be a string or an array of strings, and `exp`, `nbf` and `iat` finite. jose already requires
 * `exp`, `nbf` and `iat` to be numbers and `iss` to be the expected string.
 */
export function hasWellTypedClaims(payload: JWTPayload): boolean {
  const { sub, jti, aud } = payload;
  // JSON.parse reads an out-of-range number such as 1e400 as Infinity; no NumericDate is infinite.
  if (!isFiniteOrAbsent(payload.exp) || !isFiniteOrAbsent(payload.nbf) || !isFiniteOrAbsent(payload.iat)) {
    return false;
  }
  if (sub !== undefined && (typeof sub !== 'string' || sub.length === 0)) {
    return false;
  }
  if (jti !== undefined && typeof jti !== 'string') {
    return false;
  }
  return aud === undefined || typeof aud === 'string' || (Array.isArray(aud) && aud.every((value) => typeof value === 'string'));
}

function isFiniteOrAbsent(date: number | undefined): boolean {
  return date === undefined || Number.isFinite(date);
}
