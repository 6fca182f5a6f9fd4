import { DocumentLoadError } from './fetch-json.js';

/** The path OpenID Connect Discovery appends to an issuer to find its discovery document. */
export const WELL_KNOWN_PATH = '/.well-known/openid-configuration';

/** The rule from a provider's configuration that its discovered issuer must satisfy. */
export interface IssuerExpectation {
  discoveryUrl: string;
  /** The exact issuer, when the configuration names it. */
  issuer?: string;
  /** Accept any issuer on the discovery URL's origin (Azure AD B2C publishes its issuer there). */
  sameOriginIssuer: boolean;
  /**
   * The `iss` tokens carry when it differs from the document's issuer, as when Keycloak is reached
   * through an internal host name. The document's issuer is then not compared.
   */
  tokenIssuer?: string;
  /** Tokens may also carry the issuer without its scheme (Google's `accounts.google.com`). */
  schemelessIssuer?: boolean;
  /** The document may declare the multi-tenant issuer template `{tenantid}` (Azure AD `common`). */
  multiTenant?: boolean;
}

/** The placeholder Azure AD's tenant-independent documents put in their issuer. */
export const TENANT_PLACEHOLDER = '{tenantid}';

/** A discovery document declares an issuer that its configuration does not allow. */
export class IssuerMismatchError extends DocumentLoadError {
  constructor(message: string) {
    super(message);
    this.name = 'IssuerMismatchError';
  }
}

/**
 * Returns the issuer that OpenID Connect Discovery 1.0 section 4.3 expects for a discovery URL: the
 * URL without its query and without the well-known path. Returns `undefined` when the URL does
 * not end with the well-known path (optionally followed by one `/`).
 */
export function issuerPrefix(discoveryUrl: string): string | undefined {
  if (!prefixes.has(discoveryUrl)) {
    prefixes.set(discoveryUrl, computePrefix(discoveryUrl));
  }
  return prefixes.get(discoveryUrl);
}

// Discovery URLs come from the configuration only, so this map stays as small as the provider list.
const prefixes = new Map<string, string | undefined>();

function computePrefix(discoveryUrl: string): string | undefined {
  const url = new URL(discoveryUrl);
  const path = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  if (!path.endsWith(WELL_KNOWN_PATH)) {
    return undefined;
  }
  return url.origin + path.slice(0, -WELL_KNOWN_PATH.length);
}

/**
 * Tells, before anything is fetched, whether a token whose `iss` is `issuer` can belong to this
 * provider. A `true` still needs the exact comparison with the discovered issuer.
 */
export function mayIssue(expectation: IssuerExpectation, issuer: string): boolean {
  if (expectation.tokenIssuer !== undefined) {
    return issuer === expectation.tokenIssuer;
  }
  if (expectation.multiTenant === true) {
    // The template is known only once the document is loaded, and it may name another host.
    return true;
  }
  if (expectation.schemelessIssuer === true && !issuer.includes('://')) {
    return mayDeclare(expectation, `${new URL(expectation.discoveryUrl).protocol}//${issuer}`);
  }
  return mayDeclare(expectation, issuer);
}

// The issuer rule for the document itself: the configured issuer, the same origin, or the URL's prefix.
function mayDeclare(expectation: IssuerExpectation, issuer: string): boolean {
  if (expectation.issuer !== undefined) {
    return issuer === expectation.issuer;
  }
  if (expectation.sameOriginIssuer) {
    return originOf(issuer) === originOf(expectation.discoveryUrl);
  }
  return withoutTrailingSlash(issuer) === issuerPrefix(expectation.discoveryUrl);
}

/**
 * Returns the issuer a discovery document declares, once it passes the configured rule. The issuer
 * must equal the configured issuer, or be on the discovery URL's origin for a same-origin provider.
 * By default it must equal the discovery URL's prefix, one trailing `/` aside, as section 4.3 allows.
 *
 * @throws {IssuerMismatchError} when the issuer is missing or breaks the rule.
 */
export function judgeDiscoveredIssuer(expectation: IssuerExpectation, declared: unknown): string {
  const where = `The discovery document at ${expectation.discoveryUrl}`;
  if (typeof declared !== 'string' || declared.length === 0) {
    throw new IssuerMismatchError(`${where} has no issuer.`);
  }
  // Tokens carry the configured tokenIssuer, so the document's issuer is checked only against a configured issuer.
  if (expectation.tokenIssuer !== undefined && expectation.issuer === undefined) {
    return declared;
  }
  if (declared.includes(TENANT_PLACEHOLDER)) {
    return judgeTemplate(expectation, declared, where);
  }
  if (!mayDeclare(expectation, declared)) {
    throw new IssuerMismatchError(
      `${where} declares the issuer ${declared}, which does not match ${describeRule(expectation)}. ` +
        "If the provider documents this issuer, set 'issuer' in this provider's configuration.",
    );
  }
  return declared;
}

function judgeTemplate(expectation: IssuerExpectation, declared: string, where: string): string {
  if (expectation.multiTenant !== true) {
    throw new IssuerMismatchError(
      `${where} declares the multi-tenant issuer template ${declared}. ` +
        "Set 'tenants' to the tenant IDs to accept, or 'allowAnyTenant: true', or use a tenant-specific discovery URL.",
    );
  }
  if (declared.split(TENANT_PLACEHOLDER).length !== 2 || originOf(declared.replace(TENANT_PLACEHOLDER, 'tenant')) === undefined) {
    throw new IssuerMismatchError(`${where} declares the issuer template ${declared}, which is not a URL with one ${TENANT_PLACEHOLDER}.`);
  }
  return declared;
}

function describeRule(expectation: IssuerExpectation): string {
  if (expectation.issuer !== undefined) {
    return `the configured issuer ${expectation.issuer}`;
  }
  if (expectation.sameOriginIssuer) {
    return `the origin ${originOf(expectation.discoveryUrl)}`;
  }
  return `the discovery URL's prefix ${issuerPrefix(expectation.discoveryUrl) ?? '(none)'}`;
}

function withoutTrailingSlash(value: string): string {
  return value.endsWith('/') ? value.slice(0, -1) : value;
}

function originOf(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}
