import { TENANT_PLACEHOLDER, type IssuerExpectation } from '../discovery/issuer-rules.js';

/** The result of an issuer match: `tenant` is the lower-case tenant ID that filled a multi-tenant template. */
export interface IssuerMatch {
  tenant?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Compares a token's `iss` with the issuer its provider's document declared, exactly, and returns
 * undefined when they differ. Three rules widen the comparison:
 * - a configured `tokenIssuer` replaces the declared issuer;
 * - an issuer template (Azure AD `common`) matches an issuer whose `{tenantid}` part is a GUID;
 * - with `schemelessIssuer`, the declared issuer without its scheme matches too.
 */
export function matchIssuer(expectation: IssuerExpectation, declared: string, issuer: string): IssuerMatch | undefined {
  if (expectation.tokenIssuer !== undefined) {
    return issuer === expectation.tokenIssuer ? {} : undefined;
  }
  if (declared.includes(TENANT_PLACEHOLDER)) {
    return matchTemplate(declared, issuer);
  }
  if (issuer === declared || (expectation.schemelessIssuer === true && issuer === withoutScheme(declared))) {
    return {};
  }
  return undefined;
}

/**
 * Returns the one `iss` that {@link matchIssuer} accepts for a provider whose document declared
 * `declared`, or `undefined` when it accepts more than one: an issuer template matches every
 * tenant, and a schemeless issuer matches with and without its scheme.
 */
export function soleIssuer(expectation: IssuerExpectation, declared: string): string | undefined {
  if (expectation.tokenIssuer !== undefined) {
    return expectation.tokenIssuer;
  }
  if (declared.includes(TENANT_PLACEHOLDER) || expectation.schemelessIssuer === true) {
    return undefined;
  }
  return declared;
}

function matchTemplate(template: string, issuer: string): IssuerMatch | undefined {
  const [before, after] = template.split(TENANT_PLACEHOLDER);
  if (!issuer.startsWith(before) || !issuer.endsWith(after)) {
    return undefined;
  }
  const tenant = issuer.slice(before.length, issuer.length - after.length);
  return GUID.test(tenant) ? { tenant: tenant.toLowerCase() } : undefined;
}

function withoutScheme(issuer: string): string | undefined {
  const separator = issuer.indexOf('://');
  return separator < 0 ? undefined : issuer.slice(separator + 3);
}

/**
 * Tells whether a key may sign for `issuer`, which matched a multi-tenant template. Azure AD gives
 * each key of a multi-tenant JWKS an `issuer`: the template, for keys every tenant uses, or one
 * tenant's issuer, for keys only that tenant uses. A key without one serves every tenant.
 */
export function keyServesIssuer(keyIssuer: string | undefined, issuer: string, tenant: string): boolean {
  if (keyIssuer === undefined) {
    return true;
  }
  return keyIssuer.replace(TENANT_PLACEHOLDER, tenant).toLowerCase() === issuer.toLowerCase();
}
