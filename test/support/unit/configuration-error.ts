import { expect } from 'chai';

import { ConfigurationError } from '../../../src/adapters/configuration-error.js';
import type { OidcAuthOptions } from '../../../src/adapters/options.js';
import { resolveOptions } from '../../../src/adapters/resolve-options.js';

/** Returns the ConfigurationError that `resolveOptions` throws for `options`; fails when it throws none. */
export function configurationError(options: unknown): ConfigurationError {
  try {
    resolveOptions(options as OidcAuthOptions);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('resolveOptions accepted the options');
}
