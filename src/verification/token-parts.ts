import type { ProtectedHeaderParameters } from 'jose';

import { freezeJson } from '../cache/json-value.js';
import { AuthError } from './errors.js';

/** A token with the shape of a compact JWS: its decoded header, and its payload still encoded. */
export interface CompactJws {
  header: ProtectedHeaderParameters;
  /** The payload segment in base64url, decoded by {@link readIssuer} only when `iss` must choose the provider. */
  payloadPart: string;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
// The UTF-8 byte order mark (EF BB BF) in base64url. Three bytes make exactly four characters, so a
// segment starts with these characters exactly when its bytes start with the mark.
const BYTE_ORDER_MARK = '77u_';

// The bearer check keeps the token that passed, so that the verifier's check of the same token later
// in that synchronous step costs a comparison. That check, or the authenticator when the step ends, clears it.
let checkedCompactJws: string | undefined;

/**
 * Tells whether `token` is three non-empty, dot-separated segments of base64url characters, and
 * keeps it for {@link isCompactJws} until that or {@link clearCheckedCompactJws} clears it.
 */
export function checkCompactJws(token: string): boolean {
  if (!COMPACT_JWS.test(token)) {
    return false;
  }
  checkedCompactJws = token;
  return true;
}

/** Tells whether `token` is three non-empty, dot-separated segments of base64url characters. */
export function isCompactJws(token: string): boolean {
  if (token === checkedCompactJws) {
    checkedCompactJws = undefined;
    return true;
  }
  return COMPACT_JWS.test(token);
}

/** Clears the token that {@link checkCompactJws} kept. */
export function clearCheckedCompactJws(): void {
  checkedCompactJws = undefined;
}

/**
 * Tells whether `token` has the three non-empty, dot-separated parts of a compact JWS. It does not
 * check their characters, which {@link readCompactJws} does, so it costs less than a full scan.
 */
export function looksLikeJws(token: string): boolean {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  return first > 0 && second > first + 1 && second < token.length - 1 && !token.includes('.', second + 1);
}

/**
 * Reads a compact JWS without verifying it: checks its shape and decodes its header.
 *
 * @throws {AuthError} `invalid_token` when the token is not three base64url segments in their
 * canonical spelling, the payload starts with a byte order mark, or the header is not a JSON object.
 */
export function readCompactJws(token: string): CompactJws {
  if (!isCompactJws(token)) {
    throw new AuthError('invalid_token');
  }
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  const payloadPart = token.slice(first + 1, second);
  // jose decodes the payload and the signature, and readIssuer decodes the payload when it is needed.
  // Here both are only checked for their canonical spelling.
  if (!isCanonicalBase64url(payloadPart) || !isCanonicalBase64url(token.slice(second + 1))) {
    throw new AuthError('invalid_token');
  }
  // jose drops a UTF-8 byte order mark before the payload's JSON, and readIssuer rejects it. Rejecting
  // it here gives such a token the same result whichever of them decodes the payload.
  if (payloadPart.startsWith(BYTE_ORDER_MARK)) {
    throw new AuthError('invalid_token');
  }
  return { header: decodeHeader(token.slice(0, first)), payloadPart };
}

/**
 * Decodes the payload segment of a compact JWS without verifying it and returns its `iss`.
 *
 * @throws {AuthError} `invalid_token` when the payload is not a JSON object with a non-empty string `iss`.
 */
export function readIssuer(payloadPart: string): string {
  const payload = jsonObject(canonicalBytes(payloadPart));
  if (typeof payload.iss !== 'string' || payload.iss.length === 0) {
    throw new AuthError('invalid_token');
  }
  return payload.iss;
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

interface DecodedHeader {
  /** A copy of the segment: the segment itself is a slice of the token and would keep all of it in memory. */
  part: string;
  header: ProtectedHeaderParameters;
}

const decodedHeaders = new Map<string, DecodedHeader>();
// The last header is compared first: a string comparison costs less than hashing the segment for the map.
let lastHeader: DecodedHeader | undefined;

// Returns the frozen header that `part` decodes to. A header that fails to decode is not kept.
function decodeHeader(part: string): ProtectedHeaderParameters {
  if (lastHeader?.part === part) {
    return lastHeader.header;
  }
  let decoded = decodedHeaders.get(part);
  if (decoded === undefined) {
    const header = freezeJson(jsonObject(canonicalBytes(part))) as ProtectedHeaderParameters;
    if (decodedHeaders.size >= HEADER_MEMO_SIZE) {
      decodedHeaders.clear();
    }
    // The segment is base64url, so its latin1 bytes spell it exactly.
    decoded = { part: Buffer.from(part, 'latin1').toString('latin1'), header };
    decodedHeaders.set(decoded.part, decoded);
  }
  lastHeader = decoded;
  return decoded.header;
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
