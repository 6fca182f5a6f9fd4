import type { Clock } from '../verification/clock.js';

/**
 * A value loaded on first use and kept for a time to live. Concurrent callers share one load in
 * flight, and a failed load is not kept, so the next call tries again.
 */
export class CachedValue<T> {
  private value: T | undefined;
  private expiresAt = 0;
  private inFlight: Promise<T> | undefined;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  /** Returns the kept value while it is fresh, otherwise loads a new one. */
  get(): Promise<T> {
    if (this.value !== undefined && this.clock.now() < this.expiresAt) {
      return Promise.resolve(this.value);
    }
    return this.reload();
  }

  /** Loads a new value now, or joins the load already in flight. */
  reload(): Promise<T> {
    this.inFlight ??= this.load().then(
      (value) => {
        this.value = value;
        this.expiresAt = this.clock.now() + this.ttlMs;
        this.inFlight = undefined;
        return value;
      },
      (error: unknown) => {
        this.inFlight = undefined;
        throw error;
      },
    );
    return this.inFlight;
  }
}
