// The Koa rows without this library: routing-controllers on Koa with one controller, and the helper
// the other Koa rows build on.
import type { RequestListener } from 'node:http';

import Koa from 'koa';
import { useKoaServer, type RoutingControllersOptions } from 'routing-controllers';

import { OpenController, PlainGuardedController } from './controllers.js';

/** Returns the handler of a Koa app with routing-controllers, after the `before` middleware if given. */
export function koaApp(options: RoutingControllersOptions, before?: Koa.Middleware): RequestListener {
  const app = new Koa();
  if (before !== undefined) {
    app.use(before);
  }
  useKoaServer(app, { middlewares: [], development: false, ...options });
  return app.callback();
}

/** Row 1: the open route, the ceiling of the Koa rows. */
export function openKoaApp(): RequestListener {
  return koaApp({ controllers: [OpenController] });
}

/**
 * Row 1b: `@Authorized()` with checkers that read nothing and return at once, so the row shows what
 * routing-controllers' own machinery costs whatever checker is used.
 */
export function trivialCheckerApp(): RequestListener {
  return koaApp({ controllers: [PlainGuardedController], authorizationChecker: () => true, currentUserChecker: () => ({ sub: 'bench-user' }) });
}
