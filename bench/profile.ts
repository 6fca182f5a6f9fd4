// Profiles one benchmark server under load. It starts the server with `node --cpu-prof` and drives
// it with autocannon as run.js does (same token, route, warm-up and connections). Then it stops the
// server, so that Node writes the profile, and prints the self time per package and per function.
// Usage: node build/bench/profile.js KIND [seconds] [connections]
//   KIND is a ServerKind from rows.ts, such as library-off. The profile is written to a new
//   folder under the system's temporary folder, whose path is printed.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { TestIssuer } from '../test/support/test-issuer.js';
import { endpointsOf } from './cold-start.js';
import { clearRedisNamespace, measure, startServer, stopServer } from './load.js';
import { AUDIENCE, REDIS_KINDS, ROWS, type ServerKind } from './rows.js';

const TOP = 25;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

// Self time in microseconds per function (name, file, line) and per package or source folder.
function selfTimes(profile: CpuProfile): { functions: Map<string, number>; packages: Map<string, number>; total: number } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    const file = url.replace(/^file:\/\//, '');
    const name = `${functionName || '(anonymous)'} ${path.relative(process.cwd(), file) || file || '(native)'}:${lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + delta);
    packages.set(packageOf(file, functionName), (packages.get(packageOf(file, functionName)) ?? 0) + delta);
    total += delta;
  });
  return { functions, packages, total };
}

function packageOf(file: string, functionName: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (match !== null) return match[1];
  if (file.includes('/build/src/')) return 'this library (build/src)';
  if (file.includes('/build/bench/')) return 'benchmark (build/bench)';
  if (file.startsWith('node:')) return 'node core';
  return file === '' ? functionName : file;
}

function printTop(title: string, times: Map<string, number>, total: number): void {
  console.log(`\n${title}`);
  console.log('| self % | self ms | function |');
  console.log('|---|---|---|');
  [...times.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .forEach(([name, micros]) => console.log(`| ${((100 * micros) / total).toFixed(1)} | ${(micros / 1000).toFixed(0)} | ${name} |`));
}

async function onlyProfile(folder: string): Promise<string> {
  const profiles = (await readdir(folder)).filter((file) => file.endsWith('.cpuprofile'));
  if (profiles.length !== 1) {
    throw new Error(`Expected one profile in ${folder}, found ${profiles.length}.`);
  }
  return path.join(folder, profiles[0]);
}

async function main(): Promise<void> {
  const kind = process.argv[2] as ServerKind;
  if (!ROWS.some((row) => row.kind === kind)) {
    throw new Error(`Unknown server kind '${String(process.argv[2])}': expected one of ${ROWS.map((row) => row.kind).join(', ')}.`);
  }
  const seconds = Number(process.argv[3] ?? 10);
  const connections = Number(process.argv[4] ?? 10);
  const folder = await mkdtemp(path.join(os.tmpdir(), 'rco-bench-profile-'));
  const issuer = await TestIssuer.start();
  const token = await issuer.sign({ aud: AUDIENCE, sub: 'bench-user', exp: Math.floor(Date.now() / 1000) + 3600 });
  const settings = { issuers: [endpointsOf(issuer)], publicJwk: { ...issuer.keys[0].publicJwk }, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', redisNamespace: `rco-bench-profile-${process.pid}` };
  const server = await startServer({ kind, ...settings }, ['--cpu-prof', `--cpu-prof-dir=${folder}`]);
  await measure(server, token, 1, connections);
  const sample = await measure(server, token, seconds, connections);
  await stopServer(server);
  await issuer.close();
  if (REDIS_KINDS.has(kind)) {
    await clearRedisNamespace(settings.redisUrl, settings.redisNamespace);
  }
  console.log(`${kind}: ${sample.requestsPerSecond.toFixed(0)} requests/s under the profiler, ${sample.non2xx} non-2xx`);
  const file = await onlyProfile(folder);
  const { functions, packages, total } = selfTimes(JSON.parse(await readFile(file, 'utf8')) as CpuProfile);
  console.log(`Profile: ${file}, ${(total / 1000).toFixed(0)} ms sampled (start-up and warm-up included)`);
  printTop('Self time by package', packages, total);
  printTop(`Top ${TOP} functions by self time`, functions, total);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
