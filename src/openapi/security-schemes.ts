import { getOidcAuth } from '../adapters/checkers.js';
import { issuerPrefix } from '../discovery/issuer-rules.js';
import { checkDocumentUrl } from '../discovery/url-rules.js';

/**
 * One `openIdConnect` security scheme to declare: its name under `components.securitySchemes` and
 * the discovery URL it points to.
 *
 * @example
 * const scheme: OidcScheme = {
 *   name: 'sso.example.com_realms_staff',
 *   discoveryUrl: 'https://sso.example.com/realms/staff/.well-known/openid-configuration',
 * };
 */
export interface OidcScheme {
  name: string;
  discoveryUrl: string;
}

// OpenAPI 3.0 and 3.1 allow only these characters in the keys of `components`.
const COMPONENT_NAME = /^[a-zA-Z0-9._-]+$/;

/**
 * Returns the discovery URLs that `configureOidcAuth` registered, in configuration order and without
 * repeats. Nothing is fetched.
 *
 * @example
 * configureOidcAuth({ oidcUrls: ['https://sso.example.com/.well-known/openid-configuration'], audiences: ['api'] });
 * configuredDiscoveryUrls(); // ['https://sso.example.com/.well-known/openid-configuration']
 *
 * @throws {Error} when `configureOidcAuth` has not been called.
 */
export function configuredDiscoveryUrls(): string[] {
  return [...new Set(getOidcAuth().providers.map((provider) => provider.documents.expectation.discoveryUrl))];
}

/**
 * Names one scheme per discovery URL: the caller's name from `givenNames` (keyed by discovery URL)
 * when there is one, otherwise a name made of the issuer's host, port and path, such as
 * `sso.example.com_realms_staff`. A derived name that is already taken gets a suffix `_2`, `_3`, ….
 *
 * @example
 * schemesFor(['https://sso.example.com/realms/staff/.well-known/openid-configuration'], {});
 * // [{ name: 'sso.example.com_realms_staff', discoveryUrl: 'https://sso.example.com/realms/staff/.well-known/openid-configuration' }]
 *
 * @throws {TypeError} for an invalid discovery URL, an invalid or repeated given name, or a given
 * name whose discovery URL is not in `discoveryUrls`.
 */
export function schemesFor(discoveryUrls: readonly string[], givenNames: Readonly<Record<string, string>>): OidcScheme[] {
  const urls = [...new Set(discoveryUrls)];
  urls.forEach(checkDiscoveryUrl);
  checkGivenNames(urls, givenNames);
  const takenNames = new Set(urls.flatMap((url) => (Object.hasOwn(givenNames, url) ? [givenNames[url]] : [])));
  return urls.map((discoveryUrl) => {
    if (Object.hasOwn(givenNames, discoveryUrl)) {
      return { name: givenNames[discoveryUrl], discoveryUrl };
    }
    const name = freeName(derivedName(discoveryUrl), takenNames);
    takenNames.add(name);
    return { name, discoveryUrl };
  });
}

function checkDiscoveryUrl(url: string): void {
  const problem = checkDocumentUrl(url);
  if (problem !== undefined) {
    throw new TypeError(`Invalid discovery URL '${url}': the URL ${problem}.`);
  }
}

function checkGivenNames(urls: readonly string[], givenNames: Readonly<Record<string, string>>): void {
  const seen = new Set<string>();
  for (const [url, name] of Object.entries(givenNames)) {
    if (!urls.includes(url)) {
      throw new TypeError(`Invalid schemeNames key '${url}': it is not one of the discovery URLs to declare.`);
    }
    if (typeof name !== 'string' || !COMPONENT_NAME.test(name)) {
      throw new TypeError(`Invalid scheme name '${String(name)}' for '${url}': use only letters, digits, '.', '-' and '_'.`);
    }
    if (seen.has(name)) {
      throw new TypeError(`Invalid scheme name '${name}' for '${url}': another discovery URL has the same name.`);
    }
    seen.add(name);
  }
}

// The issuer's host and path segments joined by '_', e.g. 127.0.0.1_40503 or login.microsoftonline.com_tenant_v2.0.
function derivedName(discoveryUrl: string): string {
  const parsed = new URL(discoveryUrl);
  const issuer = new URL(issuerPrefix(discoveryUrl) ?? parsed.origin + parsed.pathname);
  const parts = [issuer.host, ...issuer.pathname.split('/').filter((segment) => segment !== '')];
  return parts.join('_').replace(/[^a-zA-Z0-9._-]/g, '_');
}

function freeName(name: string, takenNames: ReadonlySet<string>): string {
  let candidate = name;
  for (let suffix = 2; takenNames.has(candidate); suffix += 1) {
    candidate = `${name}_${suffix}`;
  }
  return candidate;
}
