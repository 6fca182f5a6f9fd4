import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { buildProviderConfiguration, type ExampleClient } from './oidc-provider-config.js';
import { closeServer, listen } from './listen.js';
import { validateOidcServerOptions } from './oidc-server-options.js';

export type { ExampleClient } from './oidc-provider-config.js';

export interface OidcServerOptions {
  /** Interface to bind. Defaults to 127.0.0.1. */
  host?: string;
  /** TCP port. Defaults to 0, which picks a free port. */
  port?: number;
  /** Resource indicator and `aud` claim of every issued access token. */
  audience: string;
  clients: ExampleClient[];
}

export interface RunningOidcServer {
  /** Issuer identifier without a trailing slash, for example `http://127.0.0.1:41234`. */
  issuer: string;
  /** `${issuer}/.well-known/openid-configuration` */
  discoveryUrl: string;
  /** Requests an access token for a configured client through the client-credentials grant. */
  issueAccessToken(clientId: string): Promise<string>;
  /** Stops accepting connections and resolves once open connections have ended. */
  close(): Promise<void>;
}

/**
 * Starts an OpenID Connect provider (oidc-provider 9) with a freshly generated
 * RS256 signing key, for the example apps and integration tests.
 */
export async function startOidcServer(options: OidcServerOptions): Promise<RunningOidcServer> {
  validateOidcServerOptions(options);
  // RSA key generation runs on the thread pool, so it overlaps the module load.
  const [{ default: Provider, errors }, signingKey] = await Promise.all([import('oidc-provider'), generateSigningKey()]);

  const server = createServer();
  await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
  const issuer = issuerFor(server.address() as AddressInfo);

  try {
    const configuration = buildProviderConfiguration({ audience: options.audience, clients: options.clients, signingKey, errors });
    const provider = new Provider(issuer, configuration);
    server.on('request', provider.callback());
  } catch (error) {
    await closeServer(server);
    throw error;
  }

  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    issueAccessToken: (clientId) => requestClientCredentialsToken(issuer, options, clientId),
    close: () => closeServer(server),
  };
}

async function generateSigningKey(): Promise<object> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

function issuerFor(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

async function requestClientCredentialsToken(issuer: string, options: OidcServerOptions, clientId: string): Promise<string> {
  const client = options.clients.find((candidate) => candidate.clientId === clientId);
  if (client === undefined) {
    throw new Error(`Client "${clientId}" not found: add it to OidcServerOptions.clients`);
  }

  const form = new URLSearchParams({ grant_type: 'client_credentials', resource: options.audience });
  if (client.scopes.length > 0) form.set('scope', client.scopes.join(' '));
  // RFC 6749 section 2.3.1 URL-encodes the id and secret before Basic encoding.
  const credentials = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;

  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
    body: form,
  });
  const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new Error(`Token request for client "${clientId}" failed with HTTP ${response.status}: ${body.error ?? 'no error code'} ${body.error_description ?? ''}`.trim());
  }
  return body.access_token;
}
