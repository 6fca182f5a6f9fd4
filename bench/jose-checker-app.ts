// Row 5, the floor of "token cache off": one jwtVerify per request with a key imported once, and nothing else.
import type { RequestListener } from 'node:http';

import { importJWK, jwtVerify, type JWK } from 'jose';
import type { Action } from 'routing-controllers';

import { PlainGuardedController } from './controllers.js';
import { koaApp } from './koa-app.js';
import { AUDIENCE, type ServerConfig } from './rows.js';

/** Returns the handler of a Koa app whose `authorizationChecker` calls jose `jwtVerify` with a local key. */
export async function joseCheckerApp(config: ServerConfig): Promise<RequestListener> {
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
