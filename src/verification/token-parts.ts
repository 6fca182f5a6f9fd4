import type { JWTPayload, ProtectedHeaderParameters } from 'jose';

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
 * @throws {AuthError} `invalid_token` when the token is not three base64url segments in their
 * canonical spelling, the header or payload is not a JSON object, or the payload has no string `iss`.
 */
export function decodeUnverified(token: string): UnverifiedToken {
  if (!COMPACT_JWS.test(token)) {
    throw new AuthError('invalid_token');
  }
  const [headerPart, payloadPart, signaturePart] = token.split('.');
  canonicalBytes(signaturePart);
  const header = jsonObject(canonicalBytes(headerPart)) as ProtectedHeaderParameters;
  const payload = jsonObject(canonicalBytes(payloadPart)) as JWTPayload;
  if (typeof payload.iss !== 'string' || payload.iss.length === 0) {
    throw new AuthError('invalid_token');
  }
  return { header, payload, issuer: payload.iss };
}

// Base64url leaves unused bits in a segment's last character, so several spellings decode to the
// same bytes. Only the canonical one is accepted: a token is either exactly what was issued or refused.
function canonicalBytes(part: string): Buffer {
  const bytes = Buffer.from(part, 'base64url');
  if (bytes.toString('base64url') !== part) {
    throw new AuthError('invalid_token');
  }
  return bytes;
}

function jsonObject(bytes: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new AuthError('invalid_token', { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AuthError('invalid_token');
  }
  return value as Record<string, unknown>;
}
