/**
 * The logger contract. Only `debug` is required, so `console`, pino and winston loggers fit as they are.
 * The library writes routine events at debug level and provider failures at warn level when the
 * logger has a `warn` method (otherwise at debug level).
 *
 * @example
 * configureOidcAuth({ oidcUrls, audiences, logger: pino() });
 */
export interface LoggerProtocol {
  debug(message: string, meta?: Record<string, unknown>): void;
  warn?(message: string, meta?: Record<string, unknown>): void;
}

/** Tells whether `value` implements {@link LoggerProtocol}. */
export function isLogger(value: unknown): value is LoggerProtocol {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    return false;
  }
  return typeof (value as { debug?: unknown }).debug === 'function';
}

/** Writes a warning through `warn` when the logger has one, otherwise through `debug`. */
export function warn(logger: LoggerProtocol, message: string, meta?: Record<string, unknown>): void {
  if (typeof logger.warn === 'function') {
    logger.warn(message, meta);
  } else {
    logger.debug(message, meta);
  }
}
