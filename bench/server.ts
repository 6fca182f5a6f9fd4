// A benchmark server child process. It reads its configuration (a JSON ServerConfig) from the
// BENCH_SERVER environment variable, listens on 127.0.0.1 at a free port, prints one JSON line
// with its base URL, and serves until the parent ends it.
import 'reflect-metadata';

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { buildApp } from './apps.js';
import type { ServerConfig } from './rows.js';

function readConfig(): ServerConfig {
  const raw = process.env.BENCH_SERVER;
  if (raw === undefined || raw === '') {
    throw new Error('BENCH_SERVER is not set: this script is started by bench/run.js, which passes the server configuration.');
  }
  return JSON.parse(raw) as ServerConfig;
}

async function main(): Promise<void> {
  const config = readConfig();
  const server = createServer(await buildApp(config));
  // Room for the 500 simultaneous connections of the cold-start burst.
  server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 }, () => {
    const { port } = server.address() as AddressInfo;
    console.log(JSON.stringify({ baseUrl: `http://127.0.0.1:${port}` }));
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
