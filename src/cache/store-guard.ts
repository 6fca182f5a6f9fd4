import { warn, type LoggerProtocol } from '../logging/logger-protocol.js';
import type { Clock } from '../verification/clock.js';

/** A store operation did not finish within the time limit. */
export class StoreTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`The token cache store did not answer within ${timeoutMs} ms.`);
    this.name = 'StoreTimeoutError';
  }
}

/**
 * Returns the result of `operation`, or rejects with {@link StoreTimeoutError} when it takes longer
 * than `timeoutMs`. An error that `operation` throws becomes a rejection.
 */
export function withTimeout<T>(operation: () => unknown, timeoutMs: number): Promise<T> {
  // One promise and one timer per operation: this runs on every request that reads a remote store.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreTimeoutError(timeoutMs)), timeoutMs);
    const succeed = (value: unknown): void => {
      clearTimeout(timer);
      resolve(value as T);
    };
    const fail = (error: unknown): void => {
      clearTimeout(timer);
      reject(error);
    };
    try {
      Promise.resolve(operation()).then(succeed, fail);
    } catch (error) {
      fail(error);
    }
  });
}

/** Time limits of a {@link StoreGuard}, in milliseconds. */
export interface StoreGuardSettings {
  /** How long one operation may take. */
  timeoutMs: number;
  /** How long the store is left alone after a failure before it is tried again. */
  retryAfterMs: number;
}

/**
 * Runs token-cache operations so that a failing store never fails a request. An operation that
 * throws or takes longer than the timeout yields `undefined`. After a failure the store is skipped
 * for `retryAfterMs`, so an outage costs one timeout per period instead of one per request.
 * The first failure of an outage is logged at warning level, and so is the recovery.
 */
export class StoreGuard {
  private failing = false;
  private skipUntil = 0;

  constructor(
    private readonly settings: StoreGuardSettings,
    private readonly clock: Clock,
    private readonly logger: LoggerProtocol,
  ) {}

  async run<T>(operation: () => unknown): Promise<T | undefined> {
    if (this.failing && this.clock.now() < this.skipUntil) {
      return undefined;
    }
    try {
      const result = await withTimeout<T>(operation, this.settings.timeoutMs);
      this.recovered();
      return result;
    } catch (error) {
      this.failed(error);
      return undefined;
    }
  }

  private failed(error: unknown): void {
    this.skipUntil = this.clock.now() + this.settings.retryAfterMs;
    if (!this.failing) {
      this.failing = true;
      warn(this.logger, 'Token cache store failed; verifying tokens without it until it recovers', {
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private recovered(): void {
    if (this.failing) {
      this.failing = false;
      warn(this.logger, 'Token cache store recovered');
    }
  }
}
