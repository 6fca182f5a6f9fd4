// The library rows' app, in the library's documented shape without the global middleware:
// configureOidcAuth first, then useKoaServer with the checkers and `@Authorized()` on the route.
import type { RequestListener } from 'node:http';

import Koa from 'koa';
import { Get, JsonController, useKoaServer } from 'routing-controllers';

import { authorizationChecker, Authorized, configureOidcAuth, currentUserChecker, ExpressAuthErrorHandler, type OidcAuthOptions } from '../src/index.js';
import { BODY } from './controllers.js';
import { redisKeyv } from './redis-store.js';
import { AUDIENCE, ROUTE, type ServerConfig } from './rows.js';

/** Guarded by this library's `@Authorized()`. */
@JsonController()
export class LibraryGuardedController {
  @Get(ROUTE)
  @Authorized()
  read(): typeof BODY {
    return BODY;
  }
}

function cacheOptions(config: ServerConfig): Partial<OidcAuthOptions> {
  if (config.kind === 'library-off') {
    return { tokenTtl: 0 };
  }
  if (config.kind === 'library-redis') {
    return { tokenCacheStore: redisKeyv(config.redisUrl, config.redisNamespace) };
  }
  return {};
}

/** Returns the handler of a Koa app guarded by the library, with one provider per issuer in `config`. */
export function libraryApp(config: ServerConfig): RequestListener {
  const providers = config.issuers.map(({ discoveryUrl }) => ({ oidcUrls: [discoveryUrl], audiences: [AUDIENCE] }));
  configureOidcAuth({ providers, ...cacheOptions(config) });
  const app = new Koa();
  // The README's list for `@Authorized` alone: it keeps routing-controllers from loading
  // AuthMiddleware, and Koa registers nothing for this Express error handler.
  const middlewares = [ExpressAuthErrorHandler];
  useKoaServer(app, { controllers: [LibraryGuardedController], middlewares, authorizationChecker, currentUserChecker, development: false });
  return app.callback();
}
