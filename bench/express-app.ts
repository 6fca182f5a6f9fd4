// Row 7b, the ceiling of the Express rows: routing-controllers on Express 4 with the open route,
// and the helper row 7 builds on.
import type { RequestListener } from 'node:http';

import express from 'express';
import { useExpressServer } from 'routing-controllers';

import { OpenController } from './controllers.js';

/** Returns the handler of an Express app with routing-controllers, after the `before` middleware if given. */
export function expressApp(before?: express.Handler): RequestListener {
  const app = express();
  if (before !== undefined) {
    app.use(before);
  }
  useExpressServer(app, { controllers: [OpenController], middlewares: [], development: false });
  return app as unknown as RequestListener;
}
