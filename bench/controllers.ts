// The benchmark route, open and guarded by routing-controllers' own `@Authorized()`; the library's
// guarded version is in library-app.ts. Each server passes exactly one controller to
// routing-controllers, so every row serves the same path with the same handler and JSON body.
// This module does not import the library: see apps.ts for why.
import { Authorized, Get, JsonController } from 'routing-controllers';

import { ROUTE } from './rows.js';

/** The JSON body of every benchmark response. */
export const BODY = { ok: true, service: 'bench' };

/** No `@Authorized`: the ceiling rows, and the rows whose framework middleware does the guarding. */
@JsonController()
export class OpenController {
  @Get(ROUTE)
  read(): typeof BODY {
    return BODY;
  }
}

/** Guarded by routing-controllers' own `@Authorized()`, for the plain jose checker. */
@JsonController()
export class PlainGuardedController {
  @Get(ROUTE)
  @Authorized()
  read(): typeof BODY {
    return BODY;
  }
}
