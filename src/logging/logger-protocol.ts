/**
 * The logger contract. Only `debug` is required, so `console`, pino and winston loggers fit as they are.
 * The library writes routine events at debug level and provider failures at warn level when the
 * logger has a `warn` method (otherwise at debug level). Details go after the message, except for
 * pino, which receives them before it, as pino expects.
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
  write(logger, typeof logger.warn === 'function' ? 'warn' : 'debug', message, meta);
}

/** Writes a debug message, in the argument order the logger reads (see {@link write}). */
export function debug(logger: LoggerProtocol, message: string, meta?: Record<string, unknown>): void {
  write(logger, 'debug', message, meta);
}

// pino reads details only from an object before the message and drops them after it, while console
// and winston read them after. A pino logger is recognized by its `levels.values` table.
function write(logger: LoggerProtocol, level: 'debug' | 'warn', message: string, meta?: Record<string, unknown>): void {
  const method = (logger[level] ?? logger.debug).bind(logger) as (...args: unknown[]) => void;
  if (meta !== undefined && readsObjectFirst(logger)) {
    method(meta, message);
  } else {
    method(message, meta);
  }
}

function readsObjectFirst(logger: LoggerProtocol): boolean {
  const levels = (logger as { levels?: { values?: unknown } }).levels;
  return typeof levels?.values === 'object' && levels.values !== null;
}
