// The comparison benchmark: each row's server runs in a child process on 127.0.0.1 and is driven
// by autocannon from this process, all rows with the same route and the same RS256 token from one
// local issuer. Each round starts a new server per row and gives each an unmeasured warm-up, then
// measures the rows one after another and stops the servers. Then the cold-start and memory
// measurements run. Prints a markdown table and target lines on stdout, progress on stderr, and
// writes JSON results. Exits with 1 when any request failed (non-2xx or a connection error) or a
// measurement could not run. A missed target does not change the exit code.
// Usage: node build/bench/run.js --help
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { redisAnswers } from '../test/support/redis.js';
import { TestIssuer } from '../test/support/test-issuer.js';
import { endpointsOf, measureColdStart, type ColdStartResult } from './cold-start.js';
import { clearRedisNamespace, measure, startServer, stopServer, type LoadSample, type ServerProcess } from './load.js';
import type { MemoryResult } from './memory.js';
import { MIN_JUDGED_ROUNDS, OptionsError, parseOptions, USAGE, type BenchOptions } from './options.js';
import { evaluateTargets, formatFindings, formatTable, summarise, type RowSummary, type Target } from './report.js';
import { AUDIENCE, ROWS, type Row, type ServerConfig } from './rows.js';
import { roundOrder } from './schedule.js';

const RESULTS_FOLDER = path.resolve(__dirname, '../../bench/results');
const MEMORY_TIMEOUT_MS = 600_000;

type ServerSettings = Omit<ServerConfig, 'kind'>;

// Starts one server per row, in `order`, and warms each one up.
async function startServers(settings: ServerSettings, token: string, options: BenchOptions, order: readonly Row[]): Promise<Map<string, ServerProcess>> {
  const servers = new Map<string, ServerProcess>();
  try {
    for (const row of order) {
      const server = await startServer({ ...settings, kind: row.kind });
      servers.set(row.id, server);
      if (options.warmup > 0) {
        await measure(server, token, options.warmup, options.connections);
      }
    }
    return servers;
  } catch (error) {
    await stopServers(servers);
    throw error;
  }
}

async function stopServers(servers: Map<string, ServerProcess>): Promise<void> {
  await Promise.all([...servers.values()].map((server) => stopServer(server)));
}

// Two servers of the same code can differ by several percent for as long as they run. So each round
// starts new servers, and the median over rounds spreads that over as many servers as rounds. A
// round's servers all start and warm up first, so that it measures every row within half a minute.
async function runRounds(settings: ServerSettings, token: string, options: BenchOptions): Promise<Map<string, LoadSample[]>> {
  const samples = new Map<string, LoadSample[]>(ROWS.map((row) => [row.id, []]));
  for (let round = 1; round <= options.rounds; round += 1) {
    const order = roundOrder(round);
    const servers = await startServers(settings, token, options, order);
    try {
      for (const row of order) {
        const sample = await measure(servers.get(row.id)!, token, options.duration, options.connections);
        samples.get(row.id)!.push(sample);
        logSample(round, options.rounds, row, sample);
      }
    } finally {
      await stopServers(servers);
    }
  }
  return samples;
}

function logSample(round: number, rounds: number, row: Row, sample: LoadSample): void {
  const failures = sample.non2xx + sample.errors > 0 ? `, ${sample.non2xx} non-2xx, ${sample.errors} errors` : '';
  const cpu = `${sample.serverCpuMicrosPerRequest.toFixed(0)} µs server CPU per request`;
  console.error(`round ${round}/${rounds} row ${row.id}: ${sample.requestsPerSecond.toFixed(0)} requests/s, p99 ${sample.p99Ms} ms, ${cpu}${failures}`);
}

async function measureMemory(tokens: number): Promise<MemoryResult> {
  const script = path.join(__dirname, 'memory.js');
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', script, String(tokens)], { timeout: MEMORY_TIMEOUT_MS });
  return JSON.parse(stdout.trim().split('\n').pop()!) as MemoryResult;
}

async function measureThroughput(options: BenchOptions): Promise<Map<string, LoadSample[]>> {
  const issuer = await TestIssuer.start();
  const token = await issuer.sign({ aud: AUDIENCE, sub: 'bench-user', exp: Math.floor(Date.now() / 1000) + 86_400 });
  const redisNamespace = `rco-bench-${randomUUID()}`;
  const settings: ServerSettings = { issuers: [endpointsOf(issuer)], publicJwk: { ...issuer.keys[0].publicJwk }, redisUrl: options.redisUrl, redisNamespace };
  try {
    return await runRounds(settings, token, options);
  } finally {
    const remaining = await clearRedisNamespace(options.redisUrl, redisNamespace);
    console.error(`Cleared Redis namespace ${redisNamespace}: ${remaining} keys remain.`);
    await issuer.close();
  }
}

function describeRun(options: BenchOptions): string {
  const cpus = os.cpus();
  return (
    `Benchmark: ${options.rounds} rounds of ${options.duration} s per row, ${options.connections} connections, after a ${options.warmup} s warm-up of each server;` +
    ' each round starts new servers, and every other round starts and runs the rows in reverse order;' +
    ` Node ${process.version}, ${cpus.length} cores (${cpus[0]?.model ?? 'unknown CPU'}).` +
    ' autocannon runs in the parent process and competes with the server for the same cores.'
  );
}

async function writeResults(file: string, results: Record<string, unknown>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
}

function failedRequests(summaries: RowSummary[], coldStart: ColdStartResult): boolean {
  return coldStart.failed > 0 || summaries.some((summary) => summary.non2xx > 0 || summary.errors > 0);
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const options = parseOptions(process.argv.slice(2), process.env, RESULTS_FOLDER);
  if (!(await redisAnswers())) {
    throw new Error(`Redis is not reachable at ${options.redisUrl}, and the Redis rows need it. Start redis-server or set REDIS_URL.`);
  }
  const started = new Date();
  const samples = await measureThroughput(options);
  const coldStart = await measureColdStart(options.redisUrl);
  const memory = await measureMemory(options.memoryTokens);
  const summaries = summarise(ROWS, samples);
  const targets: Target[] = evaluateTargets(summaries, coldStart, memory, options.rounds >= MIN_JUDGED_ROUNDS);
  console.log(`${describeRun(options)}\n\n${formatTable(summaries, options)}\n\n${formatFindings(coldStart, memory, targets)}`);
  const environment = { node: process.version, cores: os.cpus().length, cpu: os.cpus()[0]?.model };
  await writeResults(options.output, { started: started.toISOString(), options, environment, rows: summaries, coldStart, memory, targets });
  console.log(`\nResults written to ${path.relative(process.cwd(), options.output) || options.output}.`);
  process.exitCode = failedRequests(summaries, coldStart) ? 1 : 0;
}

main().catch((error: unknown) => {
  // A wrong option needs its message and the usage, not a stack trace.
  console.error(error instanceof OptionsError ? error.message : error);
  process.exit(1);
});
