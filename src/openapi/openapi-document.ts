/**
 * The parts of an OpenAPI 3 document that {@link addOidcSecurity} reads and writes. The types are
 * structural, so an `OpenAPIObject` of openapi3-ts (as `routingControllersToSpec` returns) fits
 * without this package depending on openapi3-ts.
 *
 * @example
 * const spec: OpenApiDocument = { openapi: '3.0.0', paths: { '/health': { get: { responses: {} } } } };
 */
export interface OpenApiDocument {
  openapi: string;
  paths?: object;
  components?: object;
}

/**
 * One Security Requirement Object: scheme names mapped to the scopes (here: role names) they need.
 *
 * @example
 * const requirement: SecurityRequirement = { 'sso.example.com_realms_staff': ['admin'] };
 */
export type SecurityRequirement = Record<string, string[]>;

/** The HTTP methods a Path Item Object may hold an operation under (OpenAPI 3.0 and 3.1). */
export const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Tells whether `value` is a non-array object, as Path Item and Operation Objects are. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
