/** Options given to `configureOidcAuth` are invalid. `option` names the first offending option. */
export class ConfigurationError extends Error {
  readonly code = 'ERR_OIDC_CONFIGURATION';

  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigurationError';
  }
}
