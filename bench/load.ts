// Starts benchmark servers as child processes and drives them with autocannon from this process.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

import autocannon from 'autocannon';

import { redisKeyv } from './redis-store.js';
import { ROUTE, type ServerConfig } from './rows.js';

const STARTUP_TIMEOUT_MS = 30_000;
// /proc/PID/stat counts CPU time in ticks of USER_HZ (`getconf CLK_TCK`), which is 100 on x86-64 and arm64 Linux.
const MICROSECONDS_PER_TICK = 10_000;

/** A server child process and the base URL it listens on. */
export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
}

/** Measurements of one autocannon run. */
export interface LoadSample {
  requestsPerSecond: number;
  p99Ms: number;
  requests: number;
  /** CPU time of the server process (all its threads) per completed request, or NaN where /proc is missing. */
  serverCpuMicrosPerRequest: number;
  non2xx: number;
  errors: number;
}

/** Spawns `bench/server.js` with `config` and waits for the line with its URL. */
export async function startServer(config: ServerConfig, nodeFlags: string[] = []): Promise<ServerProcess> {
  const script = path.join(__dirname, 'server.js');
  const env = { ...process.env, BENCH_SERVER: JSON.stringify(config) };
  const child = spawn(process.execPath, [...nodeFlags, script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const line = await firstLine(child, config.kind);
    return { child, baseUrl: (JSON.parse(line) as { baseUrl: string }).baseUrl };
  } catch (error) {
    child.kill();
    throw error;
  }
}

// Rejects when the child exits first or prints nothing within STARTUP_TIMEOUT_MS.
function firstLine(child: ChildProcess, kind: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const finish = (error: Error | undefined, line = ''): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.close();
      if (error === undefined) resolve(line);
      else reject(error);
    };
    const onExit = (code: number | null): void => finish(new Error(`The ${kind} server exited with code ${String(code)} before it listened; its error is above.`));
    const timer = setTimeout(() => finish(new Error(`The ${kind} server did not listen within ${STARTUP_TIMEOUT_MS} ms.`)), STARTUP_TIMEOUT_MS);
    child.once('exit', onExit);
    lines.once('line', (line) => finish(undefined, line));
  });
}

/** Ends a server child process with SIGTERM and waits for it to exit. */
export async function stopServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) {
    return;
  }
  const exited = once(server.child, 'exit');
  server.child.kill('SIGTERM');
  await exited;
}

// Returns the user and system CPU time of process `pid` in microseconds, or NaN without /proc.
function processCpuMicros(pid: number | undefined): number {
  try {
    // The text after the parenthesised command name starts at field 3 (state), and utime and stime are fields 14 and 15.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MICROSECONDS_PER_TICK;
  } catch {
    return Number.NaN;
  }
}

/** Sends GET requests to the benchmark route for `seconds` over `connections` connections, with the same bearer token each time. */
export async function measure(server: ServerProcess, token: string, seconds: number, connections: number): Promise<LoadSample> {
  const cpuBefore = processCpuMicros(server.child.pid);
  const result = await autocannon({
    url: `${server.baseUrl}${ROUTE}`,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
  });
  const cpuMicros = processCpuMicros(server.child.pid) - cpuBefore;
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    serverCpuMicrosPerRequest: cpuMicros / result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** Deletes every key of a Redis namespace that the Redis rows' servers wrote to, and returns how many remain. */
export async function clearRedisNamespace(redisUrl: string, namespace: string): Promise<number> {
  const keyv = redisKeyv(redisUrl, namespace);
  try {
    await keyv.clear();
    let remaining = 0;
    for await (const entry of keyv.iterator!(namespace)) {
      remaining += entry === undefined ? 0 : 1;
    }
    return remaining;
  } finally {
    await keyv.disconnect();
  }
}
