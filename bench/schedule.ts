// The order in which the benchmark starts its servers and measures them.
import { ROWS, type Row } from './rows.js';

// Two servers of the same code can differ by a few percent for as long as they run: two row 3
// servers gave 0.97 and 0.98 of each other over 30 interleaved rounds. So each row has two servers,
// and rounds take them in turn.
const SERVERS_PER_ROW = 2;

/** Returns how many servers each row gets: two, or one for a run of one round. */
export function serversPerRow(rounds: number): number {
  return Math.min(SERVERS_PER_ROW, rounds);
}

/**
 * Returns the rows in the order their servers of set `set` (0 or 1) start. The second set starts in
 * reverse order, so that no row's servers all start before another row's.
 */
export function startOrder(set: number): readonly Row[] {
  return set % 2 === 0 ? ROWS : [...ROWS].reverse();
}

/** Returns the rows in the order round `round` (from 1) measures them: every other round reverses them. */
export function roundOrder(round: number): readonly Row[] {
  return round % 2 === 1 ? ROWS : [...ROWS].reverse();
}

/** Returns which of a row's `servers` servers round `round` (from 1) measures. */
export function serverIndex(round: number, servers: number): number {
  return (round - 1) % servers;
}
