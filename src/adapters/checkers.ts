import type { JWTPayload } from 'jose';
import type { Action } from 'routing-controllers';
import { Container } from 'typedi';

import { OIDC_AUTH } from './container-tokens.js';
import { actionExchange, type HttpExchange } from './http-exchange.js';
import { asAuthError, AuthHttpError, wwwAuthenticate } from './auth-response.js';
import { requiredRoleNames, type OidcAuth } from './oidc-auth.js';
import type { VerifiedToken } from '../verification/token-verifier.js';

/** Returns the services `configureOidcAuth` registered. */
export function getOidcAuth(): OidcAuth {
  // One container lookup per request. The check for a missing configuration runs only when it fails.
  try {
    return Container.get(OIDC_AUTH);
  } catch (error) {
    if (!Container.has(OIDC_AUTH)) {
      throw new Error('routing-controllers-oidc is not configured: call configureOidcAuth() before serving requests.', { cause: error });
    }
    throw error;
  }
}

/**
 * The `authorizationChecker` for `useKoaServer` and `useExpressServer`. It verifies the bearer
 * token (once per request) and checks the roles `@Authorized` declares: plain role names mean any
 * one of them suffices, and each requirement made with this library's `Authorized` must hold.
 * A failure returns 401 or 403 with an RFC 6750 `WWW-Authenticate` header.
 *
 * @example
 * useKoaServer(app, { controllers, authorizationChecker, currentUserChecker });
 */
export function authorizationChecker(action: Action, roles: unknown[]): boolean | Promise<boolean> {
  const auth = getOidcAuth();
  const exchange = actionExchange(action);
  // A token found in the in-memory cache gets a plain result, which routing-controllers handles at once.
  const outcome = auth.authenticator.resultFor(exchange);
  if (outcome instanceof Promise) {
    return outcome.then(
      (verified) => admitted(auth, exchange, verified, roles),
      (error: unknown) => {
        throw httpErrorFor(error, exchange, auth.realm, requiredRoleNames(roles));
      },
    );
  }
  return admitted(auth, exchange, outcome, roles);
}

// Puts the claims on the request and checks the roles. A missing role becomes the HTTP error.
function admitted(auth: OidcAuth, exchange: HttpExchange, verified: VerifiedToken, roles: unknown[]): true {
  try {
    auth.authorize(auth.authenticator.putUser(exchange, verified), roles);
  } catch (error) {
    throw httpErrorFor(error, exchange, auth.realm, requiredRoleNames(roles));
  }
  return true;
}

/**
 * The `currentUserChecker` for `useKoaServer` and `useExpressServer`: returns the verified claims
 * for `@CurrentUser()`, or `undefined` when the request has no `Authorization` header. A token that
 * fails verification gets 401.
 */
export function currentUserChecker(action: Action): JWTPayload | undefined | Promise<JWTPayload | undefined> {
  const auth = getOidcAuth();
  const exchange = actionExchange(action);
  if (!auth.authenticator.hasCredentials(exchange)) {
    return undefined;
  }
  const outcome = auth.authenticator.resultFor(exchange);
  if (outcome instanceof Promise) {
    return outcome.then(
      (verified) => auth.authenticator.putUser(exchange, verified).claims,
      (error: unknown) => {
        throw httpErrorFor(error, exchange, auth.realm);
      },
    );
  }
  return auth.authenticator.putUser(exchange, outcome).claims;
}

// Sets the RFC 6750 header that a failure requires and returns the HTTP error to throw.
function httpErrorFor(error: unknown, exchange: HttpExchange, realm: string, roles?: string[]): AuthHttpError {
  const failure = asAuthError(error);
  const header = wwwAuthenticate(failure, realm, roles);
  if (header !== undefined) {
    exchange.setHeader('WWW-Authenticate', header);
  }
  return new AuthHttpError(failure);
}
