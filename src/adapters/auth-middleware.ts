import { Middleware } from 'routing-controllers';

import { asAuthError, authResponse } from './auth-response.js';
import { getOidcAuth } from './checkers.js';
import { expressExchange, koaExchange, type ExpressRequestLike, type ExpressResponseLike, type HttpExchange, type KoaContextLike } from './http-exchange.js';

type Next = () => unknown;

/**
 * A global routing-controllers middleware, for Koa and Express, that authenticates every request
 * whose path is not in `excludedPaths` and puts the claims on `ctx.state.user` (Koa) or `req.user`
 * (Express). A request that fails gets 401 (or 500 when no provider document can be loaded)
 * without reaching any route.
 *
 * Warning: routing-controllers loads every imported `@Middleware` class when its `middlewares`
 * option is left out, so importing this library then guards every route.
 *
 * @example
 * useKoaServer(app, { controllers, middlewares: [AuthMiddleware], authorizationChecker, currentUserChecker });
 */
@Middleware({ type: 'before' })
export class AuthMiddleware {
  use(...args: [KoaContextLike, Next] | [ExpressRequestLike, ExpressResponseLike, Next]): Promise<unknown> {
    if (args.length === 3) {
      const [request, response, next] = args;
      return this.guard(expressExchange(request, response), next);
    }
    const [context, next] = args;
    return this.guard(koaExchange(context), next);
  }

  private async guard(exchange: HttpExchange, next: Next): Promise<unknown> {
    const auth = getOidcAuth();
    if (auth.authenticator.needsNoToken(exchange)) {
      return next();
    }
    try {
      await auth.authenticator.authenticate(exchange);
    } catch (error) {
      exchange.respond(authResponse(asAuthError(error), auth.realm));
      return undefined;
    }
    return next();
  }
}

/** The same middleware under the Python package's name for several providers; configure providers with `providers`. */
export const MultiProviderAuthMiddleware = AuthMiddleware;
export type MultiProviderAuthMiddleware = AuthMiddleware;
