/**
 * Stable codes of authentication and authorization failures. Callers and tests match on `code`,
 * never on message text.
 */
export type AuthErrorCode =
  | 'missing_token'
  | 'invalid_request'
  | 'invalid_token'
  | 'key_not_found'
  | 'token_expired'
  | 'insufficient_role'
  | 'user_missing'
  | 'provider_unavailable';

/** The RFC 6750 `error` attribute of the `WWW-Authenticate` header, when a failure has one. */
export type BearerErrorAttribute = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

interface ErrorShape {
  status: number;
  message: string;
  bearerError?: BearerErrorAttribute;
}

const SHAPES: Record<AuthErrorCode, ErrorShape> = {
  missing_token: { status: 401, message: 'No token provided.' },
  invalid_request: { status: 400, message: 'The request is malformed.', bearerError: 'invalid_request' },
  invalid_token: { status: 401, message: 'Token is invalid.', bearerError: 'invalid_token' },
  key_not_found: { status: 401, message: 'Invalid token: Key not found.', bearerError: 'invalid_token' },
  token_expired: { status: 401, message: 'Token has expired.', bearerError: 'invalid_token' },
  insufficient_role: {
    status: 403,
    message: 'You do not have the required role(s) to access this resource.',
    bearerError: 'insufficient_scope',
  },
  user_missing: { status: 401, message: 'User information not received in the request.' },
  provider_unavailable: { status: 500, message: 'Authentication is temporarily unavailable.' },
};

/**
 * A failure to authenticate or authorize a request. Its message is generic and safe to show a
 * client; what went wrong in detail stays in `cause`, which only reaches the log.
 */
export class AuthError extends Error {
  readonly code: AuthErrorCode;
  readonly status: number;
  readonly bearerError?: BearerErrorAttribute;
  /** The reason the token was rejected, for the log only: a fixed phrase that may name claims but never contains their values. */
  readonly reason?: string;

  constructor(code: AuthErrorCode, options?: { cause?: unknown; reason?: string }) {
    const shape = SHAPES[code];
    super(shape.message, options);
    this.name = 'AuthError';
    this.code = code;
    this.status = shape.status;
    this.bearerError = shape.bearerError;
    this.reason = options?.reason;
  }
}
