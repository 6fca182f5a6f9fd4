import { parseArgs } from 'node:util';

/** Settings of one benchmark run, with durations in seconds. */
export interface BenchOptions {
  smoke: boolean;
  duration: number;
  warmup: number;
  connections: number;
  rounds: number;
  /** How many distinct tokens the memory measurement sends through the in-memory token cache. */
  memoryTokens: number;
  redisUrl: string;
  /** Path of the JSON results file. */
  output: string;
}

export const USAGE = `Usage: node build/bench/run.js [options]
  --duration SECONDS      length of each measured run (env BENCH_DURATION, default 3)
  --warmup SECONDS        unmeasured load on each server before the first round (env BENCH_WARMUP, default 2)
  --connections N         concurrent connections of autocannon (env BENCH_CONNECTIONS, default 10)
  --rounds N              rounds over all rows (env BENCH_ROUNDS, default 10)
  --memory-tokens N       distinct tokens of the memory measurement (env BENCH_MEMORY_TOKENS, default 1000000)
  --output FILE           JSON results (default bench/results/latest.json)
  --smoke                 one round of one second per row and 20000 memory tokens; results in bench/results/smoke.json
Redis is REDIS_URL, by default redis://127.0.0.1:6379.`;

// Upper bounds keep every load run finite whatever is passed in.
function bounded(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`Invalid ${name} '${raw}': expected a number from ${min} to ${max}.\n${USAGE}`);
  }
  return value;
}

/** Parses command-line flags, falling back to BENCH_* environment variables and then to defaults. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv, resultsFolder: string): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: 'boolean', default: false },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      'memory-tokens': { type: 'string' },
      output: { type: 'string' },
    },
  });
  const smoke = values.smoke === true;
  return {
    smoke,
    duration: bounded('duration', values.duration ?? env.BENCH_DURATION, smoke ? 1 : 3, 0.5, 600),
    warmup: bounded('warmup', values.warmup ?? env.BENCH_WARMUP, smoke ? 0.5 : 2, 0, 60),
    connections: Math.round(bounded('connections', values.connections ?? env.BENCH_CONNECTIONS, 10, 1, 1000)),
    rounds: Math.round(bounded('rounds', values.rounds ?? env.BENCH_ROUNDS, smoke ? 1 : 10, 1, 50)),
    memoryTokens: Math.round(bounded('memory-tokens', values['memory-tokens'] ?? env.BENCH_MEMORY_TOKENS, smoke ? 20_000 : 1_000_000, 2000, 10_000_000)),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    output: values.output ?? `${resultsFolder}/${smoke ? 'smoke' : 'latest'}.json`,
  };
}
