import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

/** A key pair of the test issuer; `publicJwk` is what its JWKS serves. */
export interface IssuerKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * How the issuer serves document requests: normally, or failing in one of the ways a real
 * provider fails. `refuse` resets the connection, `hang` never responds, `oversized` sends a valid
 * document padded past a megabyte, `wrong-shape` sends JSON of the wrong shape.
 */
export type IssuerBehaviour = 'normal' | 'refuse' | 'hang' | 'error500' | 'html' | 'invalid-json' | 'oversized' | 'wrong-shape';

/** Header fields a test may set or override when signing. */
export interface SignOptions {
  key?: IssuerKey;
  header?: Record<string, unknown>;
}

/**
 * A small OpenID provider on loopback for the tokens a real server would never sign: it serves a
 * discovery document and a JWKS, counts the requests it gets, and signs any claims with its keys.
 */
export class TestIssuer {
  readonly requests: string[] = [];
  jwks: { keys: JWK[] } = { keys: [] };
  /** How the discovery document is served. */
  discoveryBehaviour: IssuerBehaviour = 'normal';
  /** How the JWKS is served. */
  jwksBehaviour: IssuerBehaviour = 'normal';
  private server: Server | undefined;
  issuer = '';

  private constructor(readonly keys: IssuerKey[]) {}

  static async start(): Promise<TestIssuer> {
    const issuer = new TestIssuer([await makeKey('test-key-1', 'RS256')]);
    issuer.jwks = { keys: issuer.keys.map((key) => key.publicJwk) };
    await issuer.listen();
    return issuer;
  }

  get discoveryUrl(): string {
    return `${this.issuer}/.well-known/openid-configuration`;
  }

  /** Signs `claims` with the first key (or `options.key`); `iss`, `iat`, `exp` and a unique `jti` default to valid values. */
  async sign(claims: JWTPayload, options: SignOptions = {}): Promise<string> {
    const key = options.key ?? this.keys[0];
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: this.issuer, iat: now, exp: now + 600, jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...options.header })
      .sign(key.privateKey);
  }

  /** Adds a new key to the JWKS the issuer serves, as a key rotation does. */
  async addKey(kid: string, alg = 'RS256'): Promise<IssuerKey> {
    const key = await makeKey(kid, alg);
    this.keys.push(key);
    this.jwks.keys.push(key.publicJwk);
    return key;
  }

  /** Returns how many requests went to `path`. */
  count(path: string): number {
    return this.requests.filter((requested) => requested === path).length;
  }

  /** Serves both documents with `behaviour`. */
  behave(behaviour: IssuerBehaviour): void {
    this.discoveryBehaviour = behaviour;
    this.jwksBehaviour = behaviour;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private listen(): Promise<void> {
    this.server = createServer((request, response) => {
      const path = request.url ?? '/';
      this.requests.push(path);
      const behaviour = path === '/jwks' ? this.jwksBehaviour : this.discoveryBehaviour;
      const body = this.documentFor(path);
      if (body === undefined) {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
        return;
      }
      answer(behaviour, body, response);
    });
    return new Promise((resolve) => {
      this.server?.listen(0, '127.0.0.1', () => {
        this.issuer = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
        resolve();
      });
    });
  }

  private documentFor(path: string): unknown {
    if (path === '/.well-known/openid-configuration') {
      return { issuer: this.issuer, jwks_uri: `${this.issuer}/jwks`, id_token_signing_alg_values_supported: ['RS256'] };
    }
    return path === '/jwks' ? this.jwks : undefined;
  }
}

/** Generates a key pair whose public JWK carries `kid`, `alg` and `use: sig`. */
export async function makeKey(kid: string, alg: string): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

function answer(behaviour: IssuerBehaviour, body: unknown, response: import('node:http').ServerResponse): void {
  switch (behaviour) {
    case 'refuse':
      response.socket?.destroy();
      return;
    case 'hang':
      return;
    case 'error500':
      response.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"server_error"}');
      return;
    case 'html':
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Maintenance</body></html>');
      return;
    case 'invalid-json':
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"issuer": ');
      return;
    case 'oversized':
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...(body as object), padding: 'x'.repeat(1_100_000) }));
      return;
    case 'wrong-shape':
      response.writeHead(200, { 'content-type': 'application/json' }).end('["not", "a", "document"]');
      return;
    default:
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
