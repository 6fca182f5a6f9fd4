import { decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from 'jose';

import { AuthError } from './errors.js';

/** The unverified header and payload of a compact JWS, read only to choose the provider and key. */
export interface UnverifiedToken {
  header: ProtectedHeaderParameters;
  payload: JWTPayload;
  issuer: string;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Tells whether `token` has the shape of a compact JWS: three base64url segments. */
export function looksLikeJws(token: string): boolean {
  return COMPACT_JWS.test(token);
}

/**
 * Decodes a compact JWS without verifying it.
 *
 * @throws {AuthError} `invalid_token` when the token is not three base64url segments, a segment is
 * not a JSON object, or the payload has no string `iss`.
 */
export function decodeUnverified(token: string): UnverifiedToken {
  if (!COMPACT_JWS.test(token) || !isCanonicalBase64url(token)) {
    throw new AuthError('invalid_token');
  }
  try {
    const header = decodeProtectedHeader(token);
    const payload = decodeJwt(token);
    if (typeof payload.iss !== 'string' || payload.iss.length === 0) {
      throw new AuthError('invalid_token');
    }
    return { header, payload, issuer: payload.iss };
  } catch (error) {
    throw error instanceof AuthError ? error : new AuthError('invalid_token', { cause: error });
  }
}

// Base64url leaves unused bits in a segment's last character, so several spellings decode to the
// same bytes. Only the canonical one is accepted: a token is either exactly what was issued or refused.
function isCanonicalBase64url(token: string): boolean {
  return token.split('.').every((part) => Buffer.from(part, 'base64url').toString('base64url') === part);
}
