import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { SignJWT, type JWTPayload } from 'jose';

import { makeKey, type IssuerKey } from './test-issuer.js';

const WELL_KNOWN = '/.well-known/openid-configuration';
const CLAIMS = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'claims');

/**
 * A loopback stand-in for a real identity provider. It serves a discovery document under any path
 * that ends with the well-known path, declaring the issuer a test chooses for that path. It signs
 * tokens shaped like the provider's (the payloads in `test/fixtures/claims`) with its own key.
 */
export class ProviderDouble {
  origin = '';
  readonly requests: string[] = [];
  /** The issuer a document declares, by the path before the well-known path. Default: origin + path. */
  declared = new Map<string, string>();
  /** The `issuer` member of the JWKS key, as Azure AD's multi-tenant JWKS has; undefined leaves it out. */
  keyIssuer: string | undefined;
  private key: IssuerKey | undefined;
  private server: Server | undefined;

  static async start(): Promise<ProviderDouble> {
    const double = new ProviderDouble();
    double.key = await makeKey('provider-double-key', 'RS256');
    double.server = createServer((request, response) => {
      const path = request.url ?? '/';
      double.requests.push(path);
      const body = double.documentFor(path);
      response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body ?? { error: 'not_found' }));
    });
    await new Promise<void>((resolve) => double.server?.listen(0, '127.0.0.1', resolve));
    double.origin = `http://127.0.0.1:${(double.server.address() as AddressInfo).port}`;
    return double;
  }

  /** Returns the discovery URL of the provider whose issuer path is `path`, such as `/realms/example`. */
  discoveryUrl(path: string): string {
    return `${this.origin}${path}${WELL_KNOWN}`;
  }

  /** Returns `issuer` with its origin replaced by this double's, so that its path stays the provider's. */
  onLoopback(issuer: string): string {
    const url = new URL(issuer);
    return `${this.origin}${issuer.slice(url.origin.length)}`;
  }

  /**
   * Signs the fixture payload `name` (a file of `test/fixtures/claims`), moved to this double with
   * {@link onLoopback}, valid from now for ten minutes, with `overrides` on top. An override of
   * `undefined` removes the claim. The header is the fixture header `header`, with this double's key.
   */
  sign(name: string, overrides: Record<string, unknown> = {}, header = name): Promise<string> {
    const fixture = readFixture(name);
    const now = Math.floor(Date.now() / 1000);
    const times = { iat: now, exp: now + 600, ...('nbf' in fixture ? { nbf: now } : {}) };
    const claims: Record<string, unknown> = { ...fixture, ...times, iss: this.onLoopback(String(fixture.iss)), ...overrides };
    for (const [claim, value] of Object.entries(claims)) {
      if (value === undefined) {
        delete claims[claim];
      }
    }
    return this.signPayload(claims, fixtureHeader(header));
  }

  /** Signs `claims` as they are, with `typ` from `header` when it has one. */
  signPayload(claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
    const key = this.key as IssuerKey;
    const typ = typeof header.typ === 'string' ? { typ: header.typ } : {};
    return new SignJWT(claims).setProtectedHeader({ ...typ, alg: key.alg, kid: key.kid }).sign(key.privateKey);
  }

  /** Returns how many requests went to the JWKS. */
  jwksRequests(): number {
    return this.requests.filter((path) => path === '/jwks').length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private documentFor(path: string): unknown {
    if (path.endsWith(WELL_KNOWN)) {
      const prefix = path.slice(0, -WELL_KNOWN.length);
      const issuer = this.declared.get(prefix) ?? `${this.origin}${prefix}`;
      return { issuer, jwks_uri: `${this.origin}/jwks`, id_token_signing_alg_values_supported: ['RS256'] };
    }
    const issuer = this.keyIssuer === undefined ? {} : { issuer: this.keyIssuer };
    return path === '/jwks' ? { keys: [{ ...this.key?.publicJwk, ...issuer }] } : undefined;
  }
}

/** Returns the payload of the fixture `name` in `test/fixtures/claims`. */
export function readFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(CLAIMS, `${name}.json`), 'utf8')) as Record<string, unknown>;
}

function fixtureHeader(name: string): Record<string, unknown> {
  const headers = readFixture('headers') as Record<string, Record<string, unknown> | undefined>;
  return headers[name] ?? {};
}
