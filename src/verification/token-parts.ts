import type { JWTPayload, ProtectedHeaderParameters } from 'jose';

import { freezeJson } from '../cache/json-value.js';
import { AuthError } from './errors.js';

/** The unverified header and payload of a compact JWS, read only to choose the provider and key. */
export interface UnverifiedToken {
  header: ProtectedHeaderParameters;
  payload: JWTPayload;
  issuer: string;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Tells whether `token` has the three non-empty, dot-separated parts of a compact JWS. It does not
 * check their characters, which {@link decodeUnverified} does, so it costs less than a full scan.
 */
export function looksLikeJws(token: string): boolean {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  return first > 0 && second > first + 1 && second < token.length - 1 && !token.includes('.', second + 1);
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
  // jose decodes the signature itself, so it is only checked for its canonical spelling here.
  if (!isCanonicalBase64url(signaturePart)) {
    throw new AuthError('invalid_token');
  }
  const header = decodeHeader(headerPart);
  const payload = jsonObject(canonicalBytes(payloadPart)) as JWTPayload;
  if (typeof payload.iss !== 'string' || payload.iss.length === 0) {
    throw new AuthError('invalid_token');
  }
  return { header, payload, issuer: payload.iss };
}

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Tells whether a non-empty string of base64url characters is the canonical spelling of its bytes
 * (RFC 4648 section 3.5). A last group of two or three characters carries 4 or 2 bits that no byte
 * uses, so several spellings decode to the same bytes, and only the one with those bits zero is
 * canonical. A last group of one character spells no byte at all.
 */
export function isCanonicalBase64url(part: string): boolean {
  const remainder = part.length % 4;
  if (remainder === 0) {
    return true;
  }
  if (remainder === 1) {
    return false;
  }
  const unusedBits = remainder === 2 ? 0b1111 : 0b11;
  return (BASE64URL_ALPHABET.indexOf(part[part.length - 1]) & unusedBits) === 0;
}

// Tokens signed with one key share one header segment, so its decoding is kept for the next token.
// The memo is emptied when it is full, which bounds what a stream of distinct headers can make it keep.
const HEADER_MEMO_SIZE = 64;
const decodedHeaders = new Map<string, ProtectedHeaderParameters>();

// Returns the frozen header that `part` decodes to. A header that fails to decode is not kept.
function decodeHeader(part: string): ProtectedHeaderParameters {
  let header = decodedHeaders.get(part);
  if (header === undefined) {
    header = freezeJson(jsonObject(canonicalBytes(part))) as ProtectedHeaderParameters;
    if (decodedHeaders.size >= HEADER_MEMO_SIZE) {
      decodedHeaders.clear();
    }
    decodedHeaders.set(part, header);
  }
  return header;
}

// A token is either exactly what was issued or rejected, so a segment in another spelling is rejected.
function canonicalBytes(part: string): Buffer {
  if (!isCanonicalBase64url(part)) {
    throw new AuthError('invalid_token');
  }
  return Buffer.from(part, 'base64url');
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
