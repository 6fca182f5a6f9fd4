import type { Server } from 'node:http';
import express, { type ErrorRequestHandler } from 'express';
import { useExpressServer } from 'routing-controllers';
import { listenOnLoopback } from './listen.js';
import { createRoutingOptions } from './routing-options.js';

/**
 * Stops errors whose response routing-controllers has already sent. Its default
 * error handler sends the response and then calls next(error), so without this
 * step Express would print a stack trace for every 401 and 403.
 */
const ignoreHandledErrors: ErrorRequestHandler = (error, _request, response, next) => {
  if (response.headersSent) return;
  next(error);
};

/** Starts the example API on Express, listening on 127.0.0.1 at a free port. */
export function createExpressApp(): Promise<Server> {
  const app = express();
  useExpressServer(app, createRoutingOptions());
  app.use(ignoreHandledErrors);
  return listenOnLoopback(app);
}
