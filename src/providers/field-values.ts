/**
 * Validation rules for the values substituted into a URL template. A rule is chosen by where
 * the placeholder sits:
 * - `baseUrl`: the placeholder starts the template, as in `{baseUrl}/.well-known/openid-configuration`;
 * - `domain`: the placeholder is the whole host part, as in `https://{domain}/...`;
 * - `hostLabel`: the placeholder is part of the host, as in `https://{tenant}.verify.ibm.com/...`;
 * - `plain`: the placeholder is in the path or query.
 */
export type FieldRule = 'plain' | 'hostLabel' | 'domain' | 'baseUrl';

/** Outcome of a value check: the value to substitute, or the reason it is invalid. */
export type FieldValueCheck =
  | { readonly valid: true; readonly value: string }
  | { readonly valid: false; readonly reason: string };

const UNRESERVED = /^[A-Za-z0-9._~-]+$/;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const DOMAIN = new RegExp(`^(${LABEL}(?:\\.${LABEL})*|\\[[0-9A-Fa-f:.]+\\])(?::(\\d{1,5}))?$`);
const WHITESPACE_OR_BACKSLASH = /[\s\\]/;
const MAX_PORT = 65535;

/** Hosts for which `http:` is accepted, because traffic to them never leaves the machine. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

const PLAIN_REASON = "must contain only letters, digits, '-', '.', '_' and '~', and must not be '.' or '..'";
const HOST_LABEL_REASON =
  "must contain only letters, digits, '-' and '.', in DNS labels that neither start nor end with '-'";
const DOMAIN_REASON =
  'must be a host name with an optional port and nothing else, such as "sso.example.com" or ' +
  '"sso.example.com:8443" (no scheme, path, query or user info)';

/** Checks `value` against `rule`. A valid base URL comes back without its trailing slashes. */
export function checkFieldValue(rule: FieldRule, value: unknown): FieldValueCheck {
  if (typeof value !== 'string') {
    return { valid: false, reason: 'must be a string' };
  }
  switch (rule) {
    case 'plain':
      return checkPlainValue(value);
    case 'hostLabel':
      return HOST_NAME.test(value) ? { valid: true, value } : { valid: false, reason: HOST_LABEL_REASON };
    case 'domain':
      return checkDomainValue(value);
    case 'baseUrl':
      return checkBaseUrlValue(value);
  }
}

function checkPlainValue(value: string): FieldValueCheck {
  if (!UNRESERVED.test(value) || value === '.' || value === '..') {
    return { valid: false, reason: PLAIN_REASON };
  }
  return { valid: true, value };
}

function checkDomainValue(value: string): FieldValueCheck {
  const match = DOMAIN.exec(value);
  if (match === null) {
    return { valid: false, reason: DOMAIN_REASON };
  }
  const port = match[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > MAX_PORT)) {
    return { valid: false, reason: `must have a port from 1 to ${MAX_PORT}` };
  }

  // The URL parser rewrites some hosts, such as "0x7f.1" to "127.0.0.1". Such a value is rejected
  // because the host in the result would not be the one the caller wrote.
  const url = parseUrl(`https://${value}/`);
  if (url === undefined || url.hostname !== match[1].toLowerCase()) {
    return { valid: false, reason: DOMAIN_REASON };
  }
  return { valid: true, value };
}

function checkBaseUrlValue(value: string): FieldValueCheck {
  const reason = findBaseUrlProblem(value);
  const url = parseUrl(value);
  if (reason !== undefined || url === undefined) {
    return { valid: false, reason: reason ?? 'must be an absolute URL' };
  }
  return { valid: true, value: (url.origin + url.pathname).replace(/\/+$/, '') };
}

/** Returns why `value` is not usable as an issuer base URL, or undefined when it is. */
function findBaseUrlProblem(value: string): string | undefined {
  if (WHITESPACE_OR_BACKSLASH.test(value) || hasControlCharacter(value)) {
    return 'must not contain whitespace, control characters or backslashes';
  }
  // The WHATWG parser reads "https:host" as "https://host", so the slashes are checked here.
  const url = /^https?:\/\//i.test(value) ? parseUrl(value) : undefined;
  if (url === undefined) {
    return 'must be an absolute URL such as "https://id.example.com"';
  }
  if (value.includes('?') || value.includes('#')) {
    return 'must not contain a query or fragment';
  }
  if (url.username !== '' || url.password !== '') {
    return 'must not contain a user name or password';
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return 'must use https, because http is accepted only for localhost, 127.0.0.1 and [::1]';
  }
  if (hasDotSegment(value)) {
    return "must not contain '.' or '..' path segments";
  }
  if (url.pathname.includes('/.well-known/')) {
    return 'must be the issuer URL without the "/.well-known/openid-configuration" suffix';
  }
  return undefined;
}

/** Tells whether the path of an absolute URL has `.` or `..` segments, including `%2e` spellings. */
function hasDotSegment(absoluteUrl: string): boolean {
  const afterScheme = absoluteUrl.slice(absoluteUrl.indexOf('//') + 2);
  const pathStart = afterScheme.indexOf('/');
  if (pathStart === -1) {
    return false;
  }
  const segments = afterScheme.slice(pathStart + 1).split('/');
  return segments.some((segment) => {
    const decoded = segment.replace(/%2e/gi, '.');
    return decoded === '.' || decoded === '..';
  });
}

export function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) {
      return true;
    }
  }
  return false;
}

/** Parses an absolute URL, returning undefined instead of throwing. */
export function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
