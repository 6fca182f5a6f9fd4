import { invalidTemplateError } from './errors.js';
import { FieldRule, hasControlCharacter, LOOPBACK_HOSTS, parseUrl } from './field-values.js';

/** Start of a template: a scheme and host part, or one placeholder that supplies a whole base URL. */
export type TemplateHead =
  | { readonly kind: 'origin'; readonly scheme: 'https' | 'http'; readonly authority: string }
  | { readonly kind: 'baseUrl'; readonly field: string };

/** Parsed discovery URL template, such as `https://{domain}/realms/{realm}/.well-known/openid-configuration`. */
export interface UrlTemplate {
  readonly source: string;
  readonly head: TemplateHead;
  /** Path and optional query after the head, with placeholders. */
  readonly pathAndQuery: string;
  /** Placeholder names in order of first use, each with the rules its value must pass. */
  readonly fields: ReadonlyMap<string, readonly FieldRule[]>;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DISCOVERY_PATH = /\/\.well-known\/openid-configuration(?:\/|$)/;
const SAMPLE_BASE_URL = 'https://sample.example';
const SAMPLE_VALUE = 'sample';

/**
 * Parses and validates a discovery URL template. Throws `ERR_INVALID_PROVIDER_TEMPLATE` unless the
 * template is an absolute https URL (http only for a fixed loopback host) or starts with a base URL
 * placeholder, has a path containing `/.well-known/openid-configuration`, and has no fragment.
 */
export function parseUrlTemplate(source: unknown, providerName: string): UrlTemplate {
  checkTemplateText(source, providerName);
  const template = splitTemplate(source, providerName);
  checkTemplateParts(template, providerName);

  // Sample values catch templates whose fixed text the URL parser would rewrite, such as
  // characters it percent-encodes: such a template could never pass the check in expandUrlTemplate.
  const sampleValues = new Map<string, string>();
  for (const [field, rules] of template.fields) {
    sampleValues.set(field, rules.includes('baseUrl') ? SAMPLE_BASE_URL : SAMPLE_VALUE);
  }
  if (expandUrlTemplate(template, sampleValues) === undefined) {
    throw invalidTemplateError(providerName, 'it does not form a URL that keeps its host and path as written');
  }
  return template;
}

function checkTemplateText(source: unknown, providerName: string): asserts source is string {
  if (typeof source !== 'string' || source === '') {
    throw invalidTemplateError(providerName, 'it must be a non-empty string');
  }
  if (/[\s\\#]/.test(source) || hasControlCharacter(source)) {
    const reason = 'it must not contain whitespace, control characters, backslashes or "#"';
    throw invalidTemplateError(providerName, reason);
  }
  if (/[{}]/.test(source.replace(PLACEHOLDER, ''))) {
    throw invalidTemplateError(providerName, 'it contains an unmatched "{" or "}"');
  }
  for (const name of listPlaceholders(source)) {
    if (!FIELD_NAME.test(name)) {
      const reason =
        `placeholder {${name}} is not a valid field name. ` +
        'Use letters, digits and "_", and do not start with a digit';
      throw invalidTemplateError(providerName, reason);
    }
  }
}

function splitTemplate(source: string, providerName: string): UrlTemplate {
  if (source.startsWith('{')) {
    const match = /^\{([^{}]*)\}(\/.*)$/.exec(source);
    if (match === null) {
      throw invalidTemplateError(providerName, 'a leading base URL placeholder must be followed by "/"');
    }
    return buildTemplate(source, { kind: 'baseUrl', field: match[1] }, match[2]);
  }

  const match = /^(https?):\/\/([^/?]*)(\/.*)$/.exec(source);
  if (match === null) {
    const reason =
      'it must start with "https://" ("http://" only for a loopback host) or with a base URL placeholder ' +
      'such as {baseUrl}, and must have a path';
    throw invalidTemplateError(providerName, reason);
  }
  const scheme = match[1] === 'http' ? 'http' : 'https';
  return buildTemplate(source, { kind: 'origin', scheme, authority: match[2] }, match[3]);
}

function buildTemplate(source: string, head: TemplateHead, pathAndQuery: string): UrlTemplate {
  const fields = new Map<string, FieldRule[]>();
  const addRule = (field: string, rule: FieldRule): void => {
    const rules = fields.get(field) ?? [];
    if (!rules.includes(rule)) {
      rules.push(rule);
    }
    fields.set(field, rules);
  };

  if (head.kind === 'baseUrl') {
    addRule(head.field, 'baseUrl');
  } else {
    const hostFields = listPlaceholders(head.authority);
    const isWholeHost = hostFields.length === 1 && head.authority === `{${hostFields[0]}}`;
    hostFields.forEach((field) => addRule(field, isWholeHost ? 'domain' : 'hostLabel'));
  }
  listPlaceholders(pathAndQuery).forEach((field) => addRule(field, 'plain'));
  return { source, head, pathAndQuery, fields };
}

function checkTemplateParts(template: UrlTemplate, providerName: string): void {
  const path = template.pathAndQuery.split('?')[0];
  if (!DISCOVERY_PATH.test(path)) {
    throw invalidTemplateError(providerName, 'its path must contain "/.well-known/openid-configuration"');
  }
  const head = template.head;
  if (head.kind === 'baseUrl') {
    if ((template.fields.get(head.field) ?? []).length > 1) {
      throw invalidTemplateError(providerName, `the base URL placeholder {${head.field}} must not appear twice`);
    }
    return;
  }
  if (head.authority === '' || head.authority.includes('@')) {
    throw invalidTemplateError(providerName, 'its host part must be a host name or placeholder, without user info');
  }
  if (head.scheme === 'http' && !isFixedLoopbackHost(head.authority)) {
    const reason = 'http is accepted only with a fixed host of localhost, 127.0.0.1 or [::1]';
    throw invalidTemplateError(providerName, reason);
  }
}

function isFixedLoopbackHost(authority: string): boolean {
  const url = listPlaceholders(authority).length === 0 ? parseUrl(`http://${authority}/`) : undefined;
  return url !== undefined && LOOPBACK_HOSTS.has(url.hostname);
}

function listPlaceholders(text: string): string[] {
  return Array.from(text.matchAll(PLACEHOLDER), (match) => match[1]);
}

/**
 * Substitutes validated values into `template`. Returns undefined when the result does not parse,
 * or when parsing moved any part: the host and scheme must be those of the head, and the path and
 * query must be exactly the substituted text.
 */
export function expandUrlTemplate(template: UrlTemplate, values: ReadonlyMap<string, string>): string | undefined {
  const fill = (text: string): string =>
    text.replace(PLACEHOLDER, (_placeholder, field: string) => values.get(field) ?? '');
  const head = template.head;
  const origin = head.kind === 'origin' ? `${head.scheme}://${fill(head.authority)}` : values.get(head.field);
  if (origin === undefined) {
    return undefined;
  }
  return checkUrlShape(origin, fill(template.pathAndQuery));
}

function checkUrlShape(origin: string, pathAndQuery: string): string | undefined {
  const base = parseUrl(origin);
  const url = parseUrl(origin + pathAndQuery);
  if (base === undefined || url === undefined || base.search !== '' || base.hash !== '') {
    return undefined;
  }
  const basePath = base.pathname === '/' ? '' : base.pathname;
  const keepsShape =
    url.protocol === base.protocol &&
    url.host === base.host &&
    url.pathname + url.search === basePath + pathAndQuery &&
    url.hash === '' &&
    url.username === '' &&
    url.password === '';
  return keepsShape ? url.href : undefined;
}
