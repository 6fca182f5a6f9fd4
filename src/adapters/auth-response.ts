import { HttpError } from 'routing-controllers';

import { AuthError } from '../verification/errors.js';
import type { AuthResponse } from './http-exchange.js';

const STATUS_NAMES: Record<number, string> = { 400: 'BadRequestError', 401: 'UnauthorizedError', 403: 'ForbiddenError', 500: 'InternalServerError' };

/**
 * The error the checkers throw, which routing-controllers turns into the response. It serializes to
 * `{ name, message, code }` only: no stack, no cause.
 */
export class AuthHttpError extends HttpError {
  readonly code: string;

  constructor(error: AuthError) {
    super(error.status, error.message);
    // HttpError's constructor resets the prototype to its own, which would drop toJSON.
    Object.setPrototypeOf(this, AuthHttpError.prototype);
    this.name = STATUS_NAMES[error.status] ?? 'HttpError';
    this.code = error.code;
    // A refused token is an expected outcome: whatever logs this error gets one line, not a stack.
    this.stack = `${this.name}: ${this.message}`;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, code: this.code };
  }
}

/** Turns anything thrown while authenticating into an {@link AuthError}; unknown errors become `invalid_token`. */
export function asAuthError(error: unknown): AuthError {
  return error instanceof AuthError ? error : new AuthError('invalid_token', { cause: error });
}

/**
 * Returns the RFC 6750 `WWW-Authenticate` value for a failure, or `undefined` for a failure that is
 * not about the credentials (a provider outage).
 */
export function wwwAuthenticate(error: AuthError, realm: string, requiredRoles: readonly string[] = []): string | undefined {
  if (error.status !== 400 && error.status !== 401 && error.status !== 403) {
    return undefined;
  }
  const parts = [`realm="${realm}"`];
  if (error.bearerError !== undefined) {
    parts.push(`error="${error.bearerError}"`, `error_description="${error.message}"`);
  }
  const scope = requiredRoles.map(quotableScope).filter((role) => role.length > 0);
  if (error.status === 403 && scope.length > 0) {
    parts.push(`scope="${scope.join(' ')}"`);
  }
  return `Bearer ${parts.join(', ')}`;
}

/** Builds the complete response the global middleware writes for a failure. */
export function authResponse(error: AuthError, realm: string): AuthResponse {
  const header = wwwAuthenticate(error, realm);
  return {
    status: error.status,
    headers: header === undefined ? {} : { 'WWW-Authenticate': header },
    body: new AuthHttpError(error).toJSON(),
  };
}

// RFC 6750 scope tokens are printable ASCII without space, quote or backslash; anything else is dropped.
function quotableScope(role: string): string {
  return role.replace(/[^\x21\x23-\x5b\x5d-\x7e]/g, '');
}
