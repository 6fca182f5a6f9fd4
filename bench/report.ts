// Summarises the benchmark samples: medians per row, ratios to each framework's ceiling, the
// targets with PASS or MISS, and the markdown printed on stdout. Ratios compare samples of the same
// round, because the machine's speed can change between rounds for every row at once.
import type { ColdStartResult } from './cold-start.js';
import type { LoadSample } from './load.js';
import type { MemoryResult } from './memory.js';
import type { BenchOptions } from './options.js';
import type { Row } from './rows.js';

/** One row of the table: medians over rounds, totals of failures. */
export interface RowSummary {
  id: string;
  label: string;
  ceiling: string;
  requestsPerSecond: number;
  p99Ms: number;
  /** Median CPU time of the server process per request, which background load disturbs less than requests per second. */
  serverCpuMicrosPerRequest: number;
  non2xx: number;
  errors: number;
  /** The median over rounds of this row's requests per second divided by its ceiling's in the same round. */
  ratioToCeiling: number;
  samples: LoadSample[];
}

/** One target line. Its status is `N/A` when the run was too small to judge the target, as the smoke run is. */
export interface Target {
  description: string;
  measured: string;
  status: 'PASS' | 'MISS' | 'N/A';
}

const verdict = (pass: boolean): Target['status'] => (pass ? 'PASS' : 'MISS');

const MEGABYTE = 1024 * 1024;

/** Returns the median, which for an even count is the mean of the middle two values. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Returns, for each round, `value` of a sample divided by `value` of the reference sample of the same
 * round. `samples` and `reference` list one sample per round, in round order.
 */
export function roundRatios(samples: LoadSample[], reference: LoadSample[], value: (sample: LoadSample) => number): number[] {
  if (samples.length !== reference.length) {
    throw new Error(`Cannot pair ${samples.length} samples with ${reference.length} reference samples: expected one of each per round.`);
  }
  return samples.map((sample, round) => value(sample) / value(reference[round]));
}

/** Returns the median over rounds of {@link roundRatios}. */
export function pairedRatio(samples: LoadSample[], reference: LoadSample[], value: (sample: LoadSample) => number): number {
  return median(roundRatios(samples, reference, value));
}

const requestsPerSecond = (sample: LoadSample): number => sample.requestsPerSecond;
const serverCpu = (sample: LoadSample): number => sample.serverCpuMicrosPerRequest;

/** Summarises each row's samples: medians over rounds, and the ratio to the row's ceiling. */
export function summarise(rows: readonly Row[], samples: Map<string, LoadSample[]>): RowSummary[] {
  return rows.map((row) => {
    const rowSamples = samples.get(row.id)!;
    return {
      id: row.id,
      label: row.label,
      ceiling: row.ceiling,
      requestsPerSecond: median(rowSamples.map(requestsPerSecond)),
      p99Ms: median(rowSamples.map((sample) => sample.p99Ms)),
      serverCpuMicrosPerRequest: median(rowSamples.map(serverCpu)),
      non2xx: rowSamples.reduce((sum, sample) => sum + sample.non2xx, 0),
      errors: rowSamples.reduce((sum, sample) => sum + sample.errors, 0),
      ratioToCeiling: pairedRatio(rowSamples, samples.get(row.ceiling)!, requestsPerSecond),
      samples: rowSamples,
    };
  });
}

// Judged on requests per second. The lowest and highest round show how much the machine moved during
// the run, and the ratio of server CPU per request, which background load disturbs less, is a second check.
// A floor row does the least that `row` must do, so its own ratio to `reference` shows what is reachable.
function throughputTarget(summaries: RowSummary[], row: string, factor: number, reference: string, judged: boolean, floors: string[] = []): Target {
  const find = (id: string): RowSummary => summaries.find((summary) => summary.id === id)!;
  const ratios = roundRatios(find(row).samples, find(reference).samples, requestsPerSecond);
  const cpuRatio = pairedRatio(find(reference).samples, find(row).samples, serverCpu);
  const ratio = median(ratios);
  const rounds = `rounds from ${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)}`;
  const floorRatios = floors.length === 0 ? '' : floorComparison(find(row), floors.map(find), find(reference));
  return {
    description: `row ${row} >= ${factor.toFixed(2)} x row ${reference}`,
    measured: `${ratio.toFixed(2)} x (${rounds}; inverse ratio of server CPU per request: ${cpuRatio.toFixed(2)} x${floorRatios})`,
    status: judged ? verdict(ratio >= factor) : 'N/A',
  };
}

// Each floor row's ratio to the reference, and the judged row's ratio to each floor row.
function floorComparison(row: RowSummary, floors: RowSummary[], reference: RowSummary): string {
  const ratio = (numerator: RowSummary, denominator: RowSummary): string => pairedRatio(numerator.samples, denominator.samples, requestsPerSecond).toFixed(2);
  const toReference = floors.map((floor) => `row ${floor.id} ${ratio(floor, reference)} x row ${reference.id}`);
  const toFloors = floors.map((floor) => `${ratio(row, floor)} x row ${floor.id}`);
  return `; its floors: ${toReference.join(', ')}; row ${row.id} is ${toFloors.join(' and ')}`;
}

/**
 * Evaluates every target of the benchmark. The throughput targets are `N/A` unless `enoughRounds`,
 * and the memory target is `N/A` below a million tokens.
 */
export function evaluateTargets(summaries: RowSummary[], coldStart: ColdStartResult, memory: MemoryResult, enoughRounds: boolean): Target[] {
  const fetches = coldStart.providers.map((provider, index) => `provider ${index + 1}: ${provider.discoveryFetches} discovery, ${provider.jwksFetches} JWKS`);
  const growth = (memory.heapUsedAfter - memory.heapUsedBefore) / MEGABYTE;
  return [
    throughputTarget(summaries, '2', 0.9, '1', enoughRounds),
    throughputTarget(summaries, '3', 0.95, '5', enoughRounds),
    throughputTarget(summaries, '3', 1.0, '6', enoughRounds),
    throughputTarget(summaries, '2', 1.5, '6', enoughRounds),
    throughputTarget(summaries, '4', 0.6, '1', enoughRounds, ['4b', '4c']),
    {
      description: `cold start: exactly 1 discovery and 1 JWKS fetch per provider (${coldStart.requests} concurrent first requests, 2 providers)`,
      measured: `${fetches.join('; ')}; ${coldStart.ok} of ${coldStart.requests} answered 2xx`,
      status: verdict(coldStart.providers.every((provider) => provider.discoveryFetches === 1 && provider.jwksFetches === 1) && coldStart.failed === 0),
    },
    {
      description: `memory: heap growth < 20 MB for 1000000 distinct tokens through the default in-memory cache`,
      measured: `${growth.toFixed(1)} MB for ${memory.tokens} tokens`,
      status: memory.tokens < 1_000_000 ? 'N/A' : verdict(growth < 20),
    },
  ];
}

/** Formats the comparison table as markdown. */
export function formatTable(summaries: RowSummary[], options: BenchOptions): string {
  const lines = [
    `| row | server | requests/s (median of ${options.rounds}) | p99 ms (median) | server CPU µs/request (median) | non-2xx | errors | ratio to ceiling (median of rounds) |`,
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const summary of summaries) {
    const ratio = `${summary.ratioToCeiling.toFixed(2)} (to row ${summary.ceiling})`;
    const cpu = summary.serverCpuMicrosPerRequest.toFixed(0);
    lines.push(`| ${summary.id} | ${summary.label} | ${summary.requestsPerSecond.toFixed(0)} | ${summary.p99Ms} | ${cpu} | ${summary.non2xx} | ${summary.errors} | ${ratio} |`);
  }
  return lines.join('\n');
}

/** Formats the cold-start and memory measurements and the target lines. */
export function formatFindings(coldStart: ColdStartResult, memory: MemoryResult, targets: Target[]): string {
  const megabytes = (bytes: number): string => `${(bytes / MEGABYTE).toFixed(1)} MB`;
  const lines = [
    `Cold start: ${coldStart.requests} concurrent first requests in ${coldStart.elapsedMs.toFixed(0)} ms, ${coldStart.ok} answered 2xx, ${coldStart.failed} did not.`,
    ...coldStart.providers.map((provider, index) => `  provider ${index + 1} (${provider.discoveryUrl}): ${provider.discoveryFetches} discovery fetches, ${provider.jwksFetches} JWKS fetches`),
    `Memory: ${memory.tokens} distinct tokens in ${(memory.elapsedMs / 1000).toFixed(1)} s; heapUsed after gc ${megabytes(memory.heapUsedBefore)} before,` +
      ` ${megabytes(memory.heapUsedWhenFull)} once the cache was full, ${megabytes(memory.heapUsedAfter)} after;` +
      ` ${memory.cachedEntries} entries cached, first token evicted: ${memory.firstTokenEvicted}, last token cached: ${memory.lastTokenCached}.`,
    '',
    'Targets:',
    ...targets.map((target) => `${target.status} ${target.description}: ${target.measured}`),
  ];
  return lines.join('\n');
}
