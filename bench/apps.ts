// Builds the request handler of each benchmark server: routing-controllers on Koa 3 or Express 4
// with one controller. routing-controllers loads every imported `@Middleware` class when its
// `middlewares` list is empty, and importing this library defines `AuthMiddleware`, so the other
// rows never import the library: library-app.ts is loaded only for the library rows.
import type { RequestListener } from 'node:http';

import express from 'express';
import { auth as oauth2Bearer } from 'express-oauth2-jwt-bearer';
import { importJWK, jwtVerify, type JWK } from 'jose';
import { koaJwtSecret } from 'jwks-rsa';
import Koa from 'koa';
import koaJwt from 'koa-jwt';
import { useExpressServer, useKoaServer, type Action, type RoutingControllersOptions } from 'routing-controllers';

import { OpenController, PlainGuardedController } from './controllers.js';
import { AUDIENCE, type ServerConfig } from './rows.js';

function koaApp(options: RoutingControllersOptions, before?: Koa.Middleware): RequestListener {
  const app = new Koa();
  if (before !== undefined) {
    app.use(before);
  }
  useKoaServer(app, { middlewares: [], development: false, ...options });
  return app.callback();
}

function expressApp(before?: express.Handler): RequestListener {
  const app = express();
  if (before !== undefined) {
    app.use(before);
  }
  useExpressServer(app, { controllers: [OpenController], middlewares: [], development: false });
  return app as unknown as RequestListener;
}

// Builds the library rows' app with checkers that read nothing and return at once, so the row
// shows what routing-controllers' `@Authorized()` machinery costs whatever checker is used.
function trivialCheckerApp(): RequestListener {
  return koaApp({ controllers: [PlainGuardedController], authorizationChecker: () => true, currentUserChecker: () => ({ sub: 'bench-user' }) });
}

// The floor of "token cache off": one jwtVerify per request with a key imported once, and nothing else.
async function joseCheckerApp(config: ServerConfig): Promise<RequestListener> {
  if (config.publicJwk === undefined) {
    throw new Error('The jose-checker server needs publicJwk in its configuration.');
  }
  const key = await importJWK(config.publicJwk as JWK, 'RS256');
  const { issuer } = config.issuers[0];
  const checker = async (action: Action): Promise<boolean> => {
    const header: unknown = action.request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) {
      return false;
    }
    try {
      await jwtVerify(header.slice('Bearer '.length), key, { issuer, audience: AUDIENCE, algorithms: ['RS256'] });
      return true;
    } catch {
      return false;
    }
  };
  return koaApp({ controllers: [PlainGuardedController], authorizationChecker: checker });
}

function koaJwtApp(config: ServerConfig): RequestListener {
  const { issuer, jwksUri } = config.issuers[0];
  const secret = koaJwtSecret({ jwksUri, cache: true, cacheMaxEntries: 5, cacheMaxAge: 600_000 });
  const guard = koaJwt({ secret, issuer, audience: AUDIENCE, algorithms: ['RS256'] });
  return koaApp({ controllers: [OpenController] }, guard as unknown as Koa.Middleware);
}

// express-oauth2-jwt-bearer 1.10 fetches an http issuer unless NODE_ENV is production, where it
// rejects one; the benchmark issuer is plain http on loopback.
function expressBearerApp(config: ServerConfig): RequestListener {
  if (process.env.NODE_ENV === 'production') {
    throw new Error('express-oauth2-jwt-bearer rejects the http loopback issuer when NODE_ENV=production: unset NODE_ENV to run the benchmark.');
  }
  return expressApp(oauth2Bearer({ issuerBaseURL: config.issuers[0].issuer, audience: AUDIENCE, tokenSigningAlg: 'RS256' }));
}

/** Returns the request handler of the server `config.kind` names. */
export async function buildApp(config: ServerConfig): Promise<RequestListener> {
  switch (config.kind) {
    case 'koa-none':
      return koaApp({ controllers: [OpenController] });
    case 'koa-trivial-checker':
      return trivialCheckerApp();
    case 'library-memory':
    case 'library-off':
    case 'library-redis':
    case 'library-two-providers':
      return (await import('./library-app.js')).libraryApp(config);
    case 'jose-checker':
      return joseCheckerApp(config);
    case 'koa-jwt':
      return koaJwtApp(config);
    case 'express-bearer':
      return expressBearerApp(config);
    case 'express-none':
      return expressApp();
  }
}
