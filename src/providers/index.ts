export { OIDCProvider } from './provider-names.js';
export { ProviderConfigurationError, type ProviderErrorCode } from './errors.js';
export type { ProviderFields } from './provider-fields.js';
export { getOidcUrls } from './oidc-urls.js';
export { registerCustomProvider, unregisterCustomProvider } from './registry.js';
