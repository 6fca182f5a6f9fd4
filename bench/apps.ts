// Builds the request handler of each benchmark server. Each loads only its own row's modules, because
// a module can change the whole process: @redis/client slows string methods (see redis-store.ts), and
// routing-controllers registers every imported `@Middleware` class when its `middlewares` list is empty.
import type { RequestListener } from 'node:http';

import type { ServerConfig } from './rows.js';

/** Returns the request handler of the server `config.kind` names. */
export async function buildApp(config: ServerConfig): Promise<RequestListener> {
  switch (config.kind) {
    case 'koa-none':
      return (await import('./koa-app.js')).openKoaApp();
    case 'koa-trivial-checker':
      return (await import('./koa-app.js')).trivialCheckerApp();
    case 'library-memory':
    case 'library-off':
    case 'library-redis':
    case 'library-two-providers':
      return (await import('./library-app.js')).libraryApp(config);
    case 'keyv-redis-checker':
    case 'keyv-redis-mark-checker':
      return (await import('./keyv-checker-app.js')).keyvCheckerApp(config);
    case 'jose-checker':
      return (await import('./jose-checker-app.js')).joseCheckerApp(config);
    case 'koa-jwt':
      return (await import('./koa-jwt-app.js')).koaJwtApp(config);
    case 'express-bearer':
      return (await import('./express-bearer-app.js')).expressBearerApp(config);
    case 'express-none':
      return (await import('./express-app.js')).expressApp();
  }
}
