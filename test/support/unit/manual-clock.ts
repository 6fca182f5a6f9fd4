import type { Clock } from '../../../src/verification/clock.js';

/** A clock that moves only when a test calls `advance`, in milliseconds since the Unix epoch. */
export class ManualClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}
