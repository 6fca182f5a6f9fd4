import type { Client, Configuration, errors as ProviderErrors, ResourceServerInfo } from 'oidc-provider';
import { createMemoryAdapterClass } from './oidc-memory-adapter.js';

/** Lifetime of issued access tokens, in seconds. */
export const ACCESS_TOKEN_TTL_SECONDS = 3600;

/** Client registration as the example server and its tests use it. */
export interface ExampleClient {
  clientId: string;
  clientSecret: string;
  /** Values of the `roles` access-token claim, issued as a JSON array. */
  roles: string[];
  /** Scopes granted to the client, issued as the space-delimited `scp` claim. */
  scopes: string[];
}

/** Inputs for the provider configuration. */
export interface ProviderSetup {
  audience: string;
  clients: ExampleClient[];
  signingKey: object;
  errors: typeof ProviderErrors;
}

/**
 * Builds an oidc-provider 9 configuration that issues RS256 `at+jwt` access
 * tokens through the client-credentials grant. Every token is bound to
 * `setup.audience` and carries `roles` and `scp` claims for its client.
 */
export function buildProviderConfiguration(setup: ProviderSetup): Configuration {
  const clientsById = new Map(setup.clients.map((client) => [client.clientId, client]));
  const clientScopes = setup.clients.flatMap((client) => client.scopes);

  return {
    adapter: createMemoryAdapterClass(),
    jwks: { keys: [setup.signingKey] },
    clients: setup.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: client.scopes.join(' ') || undefined,
    })),
    // oidc-provider rejects client metadata whose scope lists values missing here.
    scopes: [...new Set(['openid', ...clientScopes])],
    features: buildFeatures(setup, clientsById),
    ttl: { ClientCredentials: ACCESS_TOKEN_TTL_SECONDS },
    extraTokenClaims: async (_ctx, token) => {
      const client = token.clientId === undefined ? undefined : clientsById.get(token.clientId);
      if (client === undefined) return undefined;
      // `scp` lists the scopes granted to this token, so a token request without
      // a `scope` parameter gets an empty string.
      return { roles: [...client.roles], scp: token.scope ?? '' };
    },
  };
}

function buildFeatures(setup: ProviderSetup, clientsById: Map<string, ExampleClient>): Configuration['features'] {
  const getResourceServerInfo = async (_ctx: unknown, indicator: string, client: Client): Promise<ResourceServerInfo> => {
    if (indicator !== setup.audience) {
      throw new setup.errors.InvalidTarget(`unknown resource "${indicator}", expected "${setup.audience}"`);
    }
    return {
      // Granted scopes are the requested ones that appear in this list.
      scope: clientsById.get(client.clientId)?.scopes.join(' ') ?? '',
      audience: setup.audience,
      accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: 'RS256' } },
    };
  };

  return {
    // Interactions serve browser logins, which the client-credentials grant never uses.
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    // A token request without a `resource` parameter still gets a JWT for the audience.
    resourceIndicators: { enabled: true, defaultResource: async () => setup.audience, getResourceServerInfo },
  };
}
