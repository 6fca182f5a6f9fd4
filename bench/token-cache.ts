// Measures requests per second on one route with the token cache in memory, in Redis and off,
// in interleaved rounds, and prints a markdown table with each row's ratio to "cache off".
// Each run is preceded by a one-second warm-up. Redis entries it writes expire after tokenTtl (300 s).
// Usage: node build/bench/token-cache.js [seconds per run] [rounds]
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';

import autocannon from 'autocannon';

const MODES = ['memory', 'redis', 'off'] as const;
const SECONDS = Number(process.argv[2] ?? 5);
const ROUNDS = Number(process.argv[3] ?? 3);
const CONNECTIONS = 10;

interface Server {
  child: ChildProcess;
  url: string;
  token: string;
}

async function startServer(mode: string): Promise<Server> {
  const child = spawn(process.execPath, [path.join(__dirname, 'token-cache-server.js'), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const { url, token } = JSON.parse(line) as { url: string; token: string };
  return { child, url, token };
}

async function measure(server: Server, seconds: number): Promise<{ requestsPerSecond: number; p99: number; non2xx: number }> {
  const result = await autocannon({ url: server.url, connections: CONNECTIONS, duration: seconds, headers: { authorization: `Bearer ${server.token}` } });
  return { requestsPerSecond: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const samples = new Map<string, Array<{ requestsPerSecond: number; p99: number; non2xx: number }>>(MODES.map((mode) => [mode, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const mode of MODES) {
      const server = await startServer(mode);
      await measure(server, 1);
      samples.get(mode)!.push(await measure(server, SECONDS));
      server.child.kill();
      await once(server.child, 'exit');
    }
  }
  const off = median(samples.get('off')!.map((sample) => sample.requestsPerSecond));
  console.log(`| token cache | requests/s (median of ${ROUNDS}) | p99 ms | non-2xx | ratio to off |`);
  console.log('|---|---|---|---|---|');
  for (const mode of MODES) {
    const rows = samples.get(mode)!;
    const rps = median(rows.map((sample) => sample.requestsPerSecond));
    const p99 = median(rows.map((sample) => sample.p99));
    const non2xx = rows.reduce((sum, sample) => sum + sample.non2xx, 0);
    console.log(`| ${mode} | ${rps.toFixed(0)} | ${p99} | ${non2xx} | ${(rps / off).toFixed(2)} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
