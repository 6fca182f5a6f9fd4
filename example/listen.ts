import { createServer, type RequestListener, type Server } from 'node:http';

/** Binds `server` to `host` and `port`, and resolves once the socket is listening. */
export function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Serves `handler` on 127.0.0.1 at a free port. */
export async function listenOnLoopback(handler: RequestListener): Promise<Server> {
  const server = createServer(handler);
  await listen(server, '127.0.0.1', 0);
  return server;
}

/** Stops `server` and resolves once its open connections have ended. */
export function closeServer(server: Server): Promise<void> {
  // Since Node 19, close() also ends idle keep-alive connections, such as those left by fetch.
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
  });
}
