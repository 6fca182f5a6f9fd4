import type { JWTPayload } from 'jose';
import type { Action } from 'routing-controllers';
import { Container } from 'typedi';

import { OIDC_AUTH } from './container-tokens.js';
import { actionExchange } from './http-exchange.js';
import { asAuthError, AuthHttpError, wwwAuthenticate } from './auth-response.js';
import { requiredRoleNames, type OidcAuth } from './oidc-auth.js';

/** Returns the services `configureOidcAuth` registered. */
export function getOidcAuth(): OidcAuth {
  if (!Container.has(OIDC_AUTH)) {
    throw new Error('routing-controllers-oidc is not configured: call configureOidcAuth() before serving requests.');
  }
  return Container.get(OIDC_AUTH);
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
export async function authorizationChecker(action: Action, roles: unknown[]): Promise<boolean> {
  const auth = getOidcAuth();
  const exchange = actionExchange(action);
  try {
    await auth.authenticateAndAuthorize(exchange, roles);
    return true;
  } catch (error) {
    const failure = asAuthError(error);
    const header = wwwAuthenticate(failure, auth.realm, requiredRoleNames(roles));
    if (header !== undefined) {
      exchange.setHeader('WWW-Authenticate', header);
    }
    throw new AuthHttpError(failure);
  }
}

/**
 * The `currentUserChecker` for `useKoaServer` and `useExpressServer`: returns the verified claims
 * for `@CurrentUser()`, or `undefined` when the request has no `Authorization` header. A token that
 * fails verification gets 401.
 */
export async function currentUserChecker(action: Action): Promise<JWTPayload | undefined> {
  const auth = getOidcAuth();
  const exchange = actionExchange(action);
  if (!auth.authenticator.hasCredentials(exchange)) {
    return undefined;
  }
  try {
    return (await auth.authenticator.authenticate(exchange)).claims;
  } catch (error) {
    const failure = asAuthError(error);
    const header = wwwAuthenticate(failure, auth.realm);
    if (header !== undefined) {
      exchange.setHeader('WWW-Authenticate', header);
    }
    throw new AuthHttpError(failure);
  }
}
