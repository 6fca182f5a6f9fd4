import type { Server } from 'node:http';
import Koa from 'koa';
import { useKoaServer } from 'routing-controllers';
import { listenOnLoopback } from './listen.js';
import { createRoutingOptions } from './routing-options.js';

/** Starts the example API on Koa, listening on 127.0.0.1 at a free port. */
export function createKoaApp(): Promise<Server> {
  const app = new Koa();
  useKoaServer(app, createRoutingOptions());
  return listenOnLoopback(app.callback());
}
