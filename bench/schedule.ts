// The order in which each round of the benchmark starts and measures its servers.
import { ROWS, type Row } from './rows.js';

/**
 * Returns the rows in the order round `round` (from 1) starts and measures them. Every other round
 * reverses them, so that no row always follows the same row or starts first.
 */
export function roundOrder(round: number): readonly Row[] {
  return round % 2 === 1 ? ROWS : [...ROWS].reverse();
}
