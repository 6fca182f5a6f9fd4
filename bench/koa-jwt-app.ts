// Row 6: koa-jwt with jwks-rsa in front of the open route.
import type { RequestListener } from 'node:http';

import { koaJwtSecret } from 'jwks-rsa';
import type Koa from 'koa';
import koaJwt from 'koa-jwt';

import { OpenController } from './controllers.js';
import { koaApp } from './koa-app.js';
import { AUDIENCE, type ServerConfig } from './rows.js';

/** Returns the handler of a Koa app guarded by koa-jwt, with keys from the issuer's JWKS through jwks-rsa. */
export function koaJwtApp(config: ServerConfig): RequestListener {
  const { issuer, jwksUri } = config.issuers[0];
  const secret = koaJwtSecret({ jwksUri, cache: true, cacheMaxEntries: 5, cacheMaxAge: 600_000 });
  const guard = koaJwt({ secret, issuer, audience: AUDIENCE, algorithms: ['RS256'] });
  return koaApp({ controllers: [OpenController] }, guard as unknown as Koa.Middleware);
}
