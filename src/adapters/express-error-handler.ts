import type { IncomingMessage, ServerResponse } from 'node:http';

import { Middleware } from 'routing-controllers';

import { AuthHttpError } from './auth-response.js';

/**
 * An Express error middleware that ends the library's 401, 403 and 500 responses cleanly.
 * routing-controllers' Express driver sends an error's response and then passes the error on;
 * Express's final handler then logs it and, because the response was sent, destroys the
 * connection, which breaks the client's next request on a kept-alive connection. This handler
 * stops the library's errors whose response was sent and passes every other error on. Koa does
 * not need it.
 *
 * @example
 * useExpressServer(app, { controllers, middlewares: [AuthMiddleware, ExpressAuthErrorHandler], authorizationChecker, currentUserChecker });
 */
@Middleware({ type: 'after' })
export class ExpressAuthErrorHandler {
  error(error: unknown, _request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void): void {
    if (error instanceof AuthHttpError && response.headersSent) {
      return;
    }
    next(error);
  }
}
