export { addOidcSecurity, type OidcSecurityOptions } from './add-oidc-security.js';
export type { OpenApiDocument, SecurityRequirement } from './openapi-document.js';
