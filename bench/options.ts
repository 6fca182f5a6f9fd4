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

/** The minimum number of rounds for judging the throughput targets; a smaller run prints them as N/A. */
export const MIN_JUDGED_ROUNDS = 3;

export const USAGE = `Usage: node build/bench/run.js [options]
  --duration SECONDS      length of each measured run (env BENCH_DURATION, default 3)
  --warmup SECONDS        unmeasured load on each new server before it is measured (env BENCH_WARMUP, default 5)
  --connections N         concurrent connections of autocannon (env BENCH_CONNECTIONS, default 10)
  --rounds N              rounds over all rows (env BENCH_ROUNDS, default 10)
  --memory-tokens N       distinct tokens of the memory measurement (env BENCH_MEMORY_TOKENS, default 1000000)
  --output FILE           JSON results (default bench/results/latest.json)
  --smoke                 one round of one second per row after a 0.5 s warm-up, and 20000 memory
                          tokens; results in bench/results/smoke.json
A ratio is the median over rounds of the two rows' ratio within the same round. The throughput
targets are judged from ${MIN_JUDGED_ROUNDS} rounds and the memory target from 1000000 tokens; smaller runs print N/A.
A missed target does not change the exit code. Redis is REDIS_URL, by default redis://127.0.0.1:6379.`;

/** A command line or environment setting that the benchmark cannot run with. */
export class OptionsError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
    this.name = 'OptionsError';
  }
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** The values a numeric option accepts. Upper bounds keep every load run finite whatever is passed in. */
interface Range {
  min: number;
  max: number;
  integer?: boolean;
}

// Returns an option's value from the command line, else from its BENCH_* variable, else `fallback`.
// An empty variable counts as unset. An error names the flag or the variable the value came from.
function numberOption(values: Record<string, unknown>, env: NodeJS.ProcessEnv, option: string, variable: string, fallback: number, range: Range): number {
  const fromLine = values[option] as string | undefined;
  const source = fromLine === undefined ? variable : `--${option}`;
  const raw = fromLine ?? (env[variable] === '' ? undefined : env[variable]);
  if (raw === undefined) {
    return fallback;
  }
  const value = Number(raw);
  const kind = range.integer === true ? 'a whole number' : 'a number';
  if (!DECIMAL.test(raw) || value < range.min || value > range.max || (range.integer === true && !Number.isInteger(value))) {
    throw new OptionsError(`Invalid ${option} '${raw}' from ${source}: expected ${kind} from ${range.min} to ${range.max}.`);
  }
  return value;
}

function parseLine(argv: string[]): Record<string, unknown> {
  try {
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
    return values;
  } catch (error) {
    throw new OptionsError(`Invalid command line: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Parses command-line flags, falling back to BENCH_* environment variables and then to defaults. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv, resultsFolder: string): BenchOptions {
  const values = parseLine(argv);
  const smoke = values.smoke === true;
  const read = (option: string, variable: string, fallback: number, range: Range): number => numberOption(values, env, option, variable, fallback, range);
  const output = values.output as string | undefined;
  if (output === '') {
    throw new OptionsError('Invalid output \'\' from --output: expected a file path.');
  }
  return {
    smoke,
    duration: read('duration', 'BENCH_DURATION', smoke ? 1 : 3, { min: 0.5, max: 600 }),
    // After 2 s of load, V8's optimizing compiler was still busy in the row 3 server. In the next 8 s
    // it took 6.4 µs per request there, against 1.8 µs in the row 5 server. After 5 s, both took 1.1 µs.
    warmup: read('warmup', 'BENCH_WARMUP', smoke ? 0.5 : 5, { min: 0, max: 60 }),
    connections: read('connections', 'BENCH_CONNECTIONS', 10, { min: 1, max: 1000, integer: true }),
    rounds: read('rounds', 'BENCH_ROUNDS', smoke ? 1 : 10, { min: 1, max: 50, integer: true }),
    memoryTokens: read('memory-tokens', 'BENCH_MEMORY_TOKENS', smoke ? 20_000 : 1_000_000, { min: 2000, max: 10_000_000, integer: true }),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    output: output ?? `${resultsFolder}/${smoke ? 'smoke' : 'latest'}.json`,
  };
}
