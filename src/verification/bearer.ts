import { AuthError } from './errors.js';
import { checkCompactJws } from './token-parts.js';

// RFC 6750 section 2.1: the scheme is case-insensitive and followed by one or more spaces.
const BEARER_SCHEME = /^bearer /i;
const SPACE = 0x20;
const TAB = 0x09;
// RFC 6750 b64token: the characters a bearer token may contain.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Returns the bearer token of an `Authorization` header value, or `undefined` when the header is
 * missing, empty, names another scheme, or carries no token.
 *
 * @throws {AuthError} `invalid_token` when the token is longer than `maxLength` characters (checked
 * before anything else is done with it) or contains characters that no bearer token contains.
 */
export function extractBearerToken(header: string | undefined, maxLength: number): string | undefined {
  if (header === undefined) {
    return undefined;
  }
  if (!BEARER_SCHEME.test(header)) {
    return undefined;
  }
  let start = 'bearer '.length;
  while (header.charCodeAt(start) === SPACE) {
    start += 1;
  }
  // HTTP allows only spaces and tabs around a field value; trimEnd() would also drop U+00A0 and the like.
  const token = withoutTrailingBlanks(header.slice(start));
  if (token.length === 0) {
    return undefined;
  }
  return checkTokenCharacters(token, maxLength);
}

/**
 * Returns `token` when it is at most `maxLength` characters of the RFC 6750 b64token set.
 *
 * @throws {AuthError} `invalid_token` otherwise; the length is checked first.
 */
export function checkTokenCharacters(token: string, maxLength: number): string {
  // A compact JWS, the usual token, uses b64token characters only. Its check is tried first, so that
  // the verifier's check of the same token right after costs no second scan.
  if (token.length > maxLength || !(checkCompactJws(token) || B64TOKEN.test(token))) {
    throw new AuthError('invalid_token');
  }
  return token;
}

function withoutTrailingBlanks(value: string): string {
  let end = value.length;
  while (end > 0 && (value.charCodeAt(end - 1) === SPACE || value.charCodeAt(end - 1) === TAB)) {
    end -= 1;
  }
  return end === value.length ? value : value.slice(0, end);
}
