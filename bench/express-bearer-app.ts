// Row 7: express-oauth2-jwt-bearer in front of the open route on Express 4.
import type { RequestListener } from 'node:http';

import { auth as oauth2Bearer } from 'express-oauth2-jwt-bearer';

import { expressApp } from './express-app.js';
import { AUDIENCE, type ServerConfig } from './rows.js';

/**
 * Returns the handler of an Express app guarded by express-oauth2-jwt-bearer. Version 1.10 fetches
 * an http issuer unless NODE_ENV is production, where it rejects one. The benchmark issuer is plain
 * http on loopback.
 */
export function expressBearerApp(config: ServerConfig): RequestListener {
  if (process.env.NODE_ENV === 'production') {
    throw new Error('express-oauth2-jwt-bearer rejects the http loopback issuer when NODE_ENV=production: unset NODE_ENV to run the benchmark.');
  }
  return expressApp(oauth2Bearer({ issuerBaseURL: config.issuers[0].issuer, audience: AUDIENCE, tokenSigningAlg: 'RS256' }));
}
