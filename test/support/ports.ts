import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Returns a loopback port that was just bound and closed, so nothing listens there. */
export async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
