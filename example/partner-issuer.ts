import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { closeServer, listen } from './listen.js';

export interface PartnerIssuer {
  /** Issuer identifier without a trailing slash, for example `http://127.0.0.1:41235`. */
  issuer: string;
  /** `${issuer}/.well-known/openid-configuration` */
  discoveryUrl: string;
  /** Signs an RS256 access token that expires in one hour. It sets `iss`, `iat` and `exp`, and a random `jti` unless `claims` has one. */
  sign(claims: JWTPayload): Promise<string>;
  /** Stops accepting connections and resolves once open connections have ended. */
  close(): Promise<void>;
}

/**
 * Starts a second, minimal token issuer on 127.0.0.1 at a free port. It serves a discovery
 * document and a JWKS with one RS256 key, and `sign` signs any claims it receives. It has no
 * token endpoint and no client authentication, so it suits this example only.
 */
export async function startPartnerIssuer(): Promise<PartnerIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);

  const server = createServer();
  await listen(server, '127.0.0.1', 0);
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const documents = new Map<string, object>([
    ['/.well-known/openid-configuration', { issuer, jwks_uri: `${issuer}/jwks` }],
    ['/jwks', { keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] }],
  ]);
  server.on('request', serveDocuments(documents));

  const sign = (claims: JWTPayload): Promise<string> =>
    new SignJWT({ jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);

  return { issuer, discoveryUrl: `${issuer}/.well-known/openid-configuration`, sign, close: () => closeServer(server) };
}

/** Sends the JSON document stored for a GET request's path, or 404 for any other request. */
function serveDocuments(documents: Map<string, object>): RequestListener {
  return (request, response) => {
    const document = request.method === 'GET' ? documents.get(request.url ?? '') : undefined;
    if (document === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
  };
}
