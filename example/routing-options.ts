import type { RoutingControllersOptions } from 'routing-controllers';
import { AuthMiddleware, authorizationChecker, currentUserChecker } from '../src/index.js';
import { ExampleController } from './controllers.js';

/** Builds the routing-controllers options that the Koa and Express apps share. */
export function createRoutingOptions(): RoutingControllersOptions {
  return {
    controllers: [ExampleController],
    middlewares: [AuthMiddleware],
    authorizationChecker,
    currentUserChecker,
    defaultErrorHandler: true,
    // Keeps stack traces out of error response bodies.
    development: false,
  };
}
