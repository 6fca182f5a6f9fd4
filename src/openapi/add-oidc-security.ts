import { ExcludedPaths } from '../adapters/excluded-paths.js';
import { authorizedActions, routeKey } from './authorized-actions.js';
import { isPlainObject, OPERATION_METHODS, type OpenApiDocument, type SecurityRequirement } from './openapi-document.js';
import { configuredDiscoveryUrls, schemesFor, type OidcScheme } from './security-schemes.js';

/**
 * Options of {@link addOidcSecurity}.
 *
 * @example
 * const options: OidcSecurityOptions = { allOperations: true, excludedPaths: ['/health', '/docs/*'] };
 */
export interface OidcSecurityOptions {
  /** Discovery URLs to declare a scheme for. Default: those `configureOidcAuth` registered. None is fetched. */
  discoveryUrls?: readonly string[];
  /** Scheme names keyed by discovery URL. A URL without one gets a name made of its issuer's host and path. */
  schemeNames?: Readonly<Record<string, string>>;
  /**
   * Whether every operation needs a token, as the global `AuthMiddleware` enforces, except those
   * under `excludedPaths`. Default false: only operations that `@Authorized` marks need a token.
   */
  allOperations?: boolean;
  /** With `allOperations`: the `excludedPaths` given to `configureOidcAuth`. Ignored without `allOperations`. */
  excludedPaths?: readonly string[];
  /** The `routePrefix` given to routing-controllers, for finding operations whose operationId was changed. */
  routePrefix?: string;
}

// The role names an operation needs, or `undefined` when it needs no token.
type RoleRule = (method: string, path: string, operation: Record<string, unknown>) => string[] | undefined;

/**
 * Declares identity providers (those `configureOidcAuth` registered, or `options.discoveryUrls`) in a
 * copy of an OpenAPI 3 document, such as `routingControllersToSpec` builds: one `openIdConnect`
 * security scheme per discovery URL, and `security: [{ [scheme]: roles }, …]` on each operation
 * that needs a token, one alternative per scheme. `roles` are the role names that the controller's
 * and the method's `@Authorized` list, in the place OpenAPI gives to scopes. OpenAPI cannot express
 * whether any one role or all of them are needed, so the list is every role name involved.
 *
 * Operations without `@Authorized` stay as they are, unless `allOperations` is set. Operations are
 * matched to actions by the operationId that routing-controllers-openapi gives by default
 * (`ClassName.methodName`), or else by HTTP method and path. Security entries for other schemes
 * that an operation already lists are kept as further alternatives. The input is not changed, and
 * nothing is fetched.
 *
 * @example
 * configureOidcAuth({ oidcUrls, audiences });
 * const spec = addOidcSecurity(routingControllersToSpec(getMetadataArgsStorage(), routingOptions, { info }));
 *
 * @throws {Error} when no discovery URLs are given and `configureOidcAuth` has not been called.
 * @throws {TypeError} for an empty or invalid list of discovery URLs, or an invalid scheme name.
 */
export function addOidcSecurity<T extends OpenApiDocument>(spec: T, options: OidcSecurityOptions = {}): T {
  const schemes = schemesFor(options.discoveryUrls ?? configuredDiscoveryUrls(), options.schemeNames ?? {});
  if (schemes.length === 0) {
    throw new TypeError('Invalid discoveryUrls: give at least one discovery URL, or none to use the configured ones.');
  }
  const rule = roleRule(options);
  const paths = isPlainObject(spec.paths) ? securedPaths(spec.paths, schemes, rule) : spec.paths;
  return { ...spec, components: withSchemes(spec.components, schemes), paths };
}

// `@Authorized` declarations win over `excludedPaths`, because the authorization checker enforces them on every path.
// NOTE: an action whose operationId was changed and whose route is a regular expression is not found, so it stays unmarked.
function roleRule(options: OidcSecurityOptions): RoleRule {
  const actions = authorizedActions(options.routePrefix);
  const excluded = options.allOperations === true ? new ExcludedPaths(options.excludedPaths ?? []) : undefined;
  return (method, path, operation) => {
    const byOperationId = typeof operation.operationId === 'string' ? actions.byOperationId.get(operation.operationId) : undefined;
    const roles = byOperationId ?? actions.byRoute.get(routeKey(method, path));
    if (roles !== undefined) {
      return roles;
    }
    return excluded !== undefined && !excluded.includes(path) ? [] : undefined;
  };
}

function withSchemes(components: object | undefined, schemes: readonly OidcScheme[]): Record<string, unknown> {
  const base = isPlainObject(components) ? components : {};
  const existing = isPlainObject(base.securitySchemes) ? base.securitySchemes : {};
  const added = schemes.map((scheme) => [scheme.name, { type: 'openIdConnect', openIdConnectUrl: scheme.discoveryUrl }]);
  return { ...base, securitySchemes: { ...existing, ...Object.fromEntries(added) } };
}

function securedPaths(paths: Record<string, unknown>, schemes: readonly OidcScheme[], rule: RoleRule): Record<string, unknown> {
  const entries = Object.entries(paths).map(([path, item]) => [path, isPlainObject(item) ? securedPathItem(path, item, schemes, rule) : item]);
  return Object.fromEntries(entries);
}

function securedPathItem(path: string, item: Record<string, unknown>, schemes: readonly OidcScheme[], rule: RoleRule): Record<string, unknown> {
  const copy = { ...item };
  for (const method of OPERATION_METHODS) {
    const operation = item[method];
    if (!isPlainObject(operation)) {
      continue;
    }
    const roles = rule(method, path, operation);
    if (roles !== undefined) {
      copy[method] = { ...operation, security: securityFor(operation.security, schemes, roles) };
    }
  }
  return copy;
}

// Replaces the entries for these schemes, so that running the helper twice gives the same document.
// An empty entry (`{}`, which makes the token optional) is dropped, because the library requires one.
function securityFor(existing: unknown, schemes: readonly OidcScheme[], roles: readonly string[]): unknown[] {
  const names = new Set(schemes.map((scheme) => scheme.name));
  const isOtherScheme = (entry: unknown): boolean =>
    isPlainObject(entry) && Object.keys(entry).length > 0 && Object.keys(entry).every((name) => !names.has(name));
  const otherSchemes = Array.isArray(existing) ? existing.filter(isOtherScheme) : [];
  const added: SecurityRequirement[] = schemes.map((scheme) => ({ [scheme.name]: [...roles] }));
  return [...otherSchemes, ...added];
}
