import type { OidcServerOptions } from './oidc-server.js';

/** Throws a TypeError naming the first invalid field of `options`. */
export function validateOidcServerOptions(options: OidcServerOptions): void {
  validateAudience(options.audience);
  if (!Array.isArray(options.clients) || options.clients.length === 0) {
    throw new TypeError('Invalid OidcServerOptions.clients: expected at least one client');
  }

  const seen = new Set<string>();
  for (const client of options.clients) {
    if (!client.clientId || !client.clientSecret) {
      throw new TypeError(`Invalid client "${client.clientId}": clientId and clientSecret must be non-empty strings`);
    }
    if (seen.has(client.clientId)) {
      throw new TypeError(`Duplicate client "${client.clientId}": client ids must be unique`);
    }
    seen.add(client.clientId);

    // A scope token must not contain spaces because `scp` joins the scopes with spaces.
    const badScope = client.scopes.find((scope) => scope === '' || /\s/.test(scope));
    if (badScope !== undefined) {
      throw new TypeError(`Invalid scope "${badScope}" for client "${client.clientId}": scopes must be non-empty and contain no whitespace`);
    }
  }
}

/** oidc-provider rejects resource indicators that are not absolute URIs or that have a fragment. */
function validateAudience(audience: string): void {
  if (typeof audience !== 'string' || URL.parse(audience) === null || audience.includes('#')) {
    throw new TypeError(`Invalid OidcServerOptions.audience "${audience}": expected an absolute URI without a fragment, such as api://example`);
  }
}
