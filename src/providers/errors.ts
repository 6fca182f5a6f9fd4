/** Stable codes of {@link ProviderConfigurationError}. Match on these, not on message text. */
export type ProviderErrorCode =
  | 'ERR_UNKNOWN_PROVIDER'
  | 'ERR_MISSING_PROVIDER_FIELDS'
  | 'ERR_INVALID_PROVIDER_FIELD'
  | 'ERR_INVALID_PROVIDER_CONFIG'
  | 'ERR_INVALID_PROVIDER_TEMPLATE'
  | 'ERR_INVALID_PROVIDER_NAME';

/** Values longer than this are described by their length instead of being echoed in a message. */
const MAX_ECHOED_VALUE_LENGTH = 100;

/**
 * Error thrown by `getOidcUrls` and `registerCustomProvider` when a provider name, config,
 * field value or URL template is unusable.
 *
 * @example
 * try {
 *   getOidcUrls({ domain: 'sso.example.com' }, OIDCProvider.KEYCLOAK);
 * } catch (error) {
 *   if (error instanceof ProviderConfigurationError && error.code === 'ERR_MISSING_PROVIDER_FIELDS') {
 *     console.error(error.fields); // ['realm']
 *   }
 * }
 */
export class ProviderConfigurationError extends Error {
  override readonly name = 'ProviderConfigurationError';
  readonly code: ProviderErrorCode;
  /** Provider name that the failing call received. */
  readonly providerName: string;
  /** Config keys or template fields that are missing or invalid, empty when no field is at fault. */
  readonly fields: readonly string[];

  constructor(code: ProviderErrorCode, providerName: string, message: string, fields: readonly string[] = []) {
    super(message);
    this.code = code;
    this.providerName = providerName;
    this.fields = fields;
  }
}

/**
 * Formats a value for an error message: short strings quoted with `JSON.stringify`, long strings
 * by their length, anything else by its type.
 */
export function describeValue(value: unknown): string {
  if (typeof value !== 'string') {
    return `a value of type ${value === null ? 'null' : typeof value}`;
  }
  if (value.length > MAX_ECHOED_VALUE_LENGTH) {
    return `a value of ${value.length} characters`;
  }
  return JSON.stringify(value);
}

export function unknownProviderError(providerName: string): ProviderConfigurationError {
  return new ProviderConfigurationError('ERR_UNKNOWN_PROVIDER', providerName, `Unknown provider '${providerName}'.`);
}

export function missingFieldsError(providerName: string, fields: readonly string[]): ProviderConfigurationError {
  const message = `Missing required fields ${fields.join(', ')} for ${providerName}.`;
  return new ProviderConfigurationError('ERR_MISSING_PROVIDER_FIELDS', providerName, message, fields);
}

/** Builds the error for one config value. `reason` continues the sentence, as in "must be a string". */
export function invalidFieldError(
  providerName: string,
  key: string,
  value: unknown,
  reason: string,
): ProviderConfigurationError {
  const message = `Invalid field ${key} for ${providerName}: ${describeValue(value)} ${reason}.`;
  return new ProviderConfigurationError('ERR_INVALID_PROVIDER_FIELD', providerName, message, [key]);
}

export function invalidTemplateError(providerName: string, reason: string): ProviderConfigurationError {
  const message = `Invalid URL template for provider ${providerName}: ${reason}.`;
  return new ProviderConfigurationError('ERR_INVALID_PROVIDER_TEMPLATE', providerName, message);
}
