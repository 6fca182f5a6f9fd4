import type { Clock } from '../verification/clock.js';

/** The behaviour of a {@link CachedValue} when a load fails. Durations are in milliseconds. */
export interface FailurePolicy {
  /** How long past its time to live the last good value keeps serving while loads fail. */
  maxStaleMs: number;
  /** How long after a failed load the next load waits; meanwhile the stale value or the failure is returned. */
  retryAfterMs: number;
  /** Called when a load fails while a stale value is still usable, with that value's age past expiry in ms. */
  onStale?: (error: unknown, staleForMs: number) => void;
}

const NO_STALE_VALUES: FailurePolicy = { maxStaleMs: 0, retryAfterMs: 0 };

/**
 * A value loaded on first use and kept for a time to live. Concurrent callers share one load in
 * flight. A failed load is not kept as a value: the last good value keeps serving for up to
 * `maxStaleMs` past its expiry, and loads pause for `retryAfterMs` after each failure.
 */
export class CachedValue<T> {
  private value: T | undefined;
  private expiresAt = 0;
  private inFlight: Promise<T> | undefined;
  // Minus infinity rather than 0, so that no load waits even when an injected clock reads below 0.
  private retryAt = Number.NEGATIVE_INFINITY;
  private lastError: unknown;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly clock: Clock,
    private readonly policy: FailurePolicy = NO_STALE_VALUES,
  ) {}

  /** Returns the kept value while it is fresh, without waiting, or `undefined` when {@link get} would load. */
  peek(): T | undefined {
    return this.value !== undefined && this.clock.now() < this.expiresAt ? this.value : undefined;
  }

  /** Returns the kept value while it is fresh, otherwise loads a new one. */
  get(): Promise<T> {
    const now = this.clock.now();
    if (this.value !== undefined && now < this.expiresAt) {
      return Promise.resolve(this.value);
    }
    if (now < this.retryAt) {
      return this.staleOrFailure(this.lastError);
    }
    return this.reload().catch((error: unknown) => this.staleOrFailure(error));
  }

  /** Loads a new value now, or joins the load already in flight. Rejects when the load fails, whatever is kept. */
  reload(): Promise<T> {
    this.inFlight ??= this.load().then(
      (value) => this.accept(value),
      (error: unknown) => this.reject(error),
    );
    return this.inFlight;
  }

  private accept(value: T): T {
    this.value = value;
    this.expiresAt = this.clock.now() + this.ttlMs;
    this.retryAt = Number.NEGATIVE_INFINITY;
    this.inFlight = undefined;
    return value;
  }

  private reject(error: unknown): never {
    this.inFlight = undefined;
    this.lastError = error;
    const now = this.clock.now();
    this.retryAt = now + this.policy.retryAfterMs;
    if (this.value !== undefined && now >= this.expiresAt && now < this.expiresAt + this.policy.maxStaleMs) {
      this.policy.onStale?.(error, now - this.expiresAt);
    }
    throw error;
  }

  private staleOrFailure(error: unknown): Promise<T> {
    const usable = this.value !== undefined && this.clock.now() < this.expiresAt + this.policy.maxStaleMs;
    return usable ? Promise.resolve(this.value as T) : Promise.reject(error);
  }
}
