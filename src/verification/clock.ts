/** The source of the current time, in milliseconds since the Unix epoch. Tests inject their own. */
export interface Clock {
  now(): number;
}

/** The clock that reads `Date.now()`. */
export const systemClock: Clock = { now: () => Date.now() };
