import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A function that writes the response for one request. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * An HTTP server on 127.0.0.1 with a free port. It serves what each test routes to a path, counts the
 * requests per path, and returns 404 for paths without a route.
 */
export class DocumentServer {
  readonly requests: string[] = [];
  private readonly routes = new Map<string, RouteHandler>();
  private origin = '';

  private constructor(private readonly server: Server) {}

  static async start(): Promise<DocumentServer> {
    const server = createServer();
    const documents = new DocumentServer(server);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => documents.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    documents.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return documents;
  }

  /** The server's origin, such as `http://127.0.0.1:40123`. */
  get baseUrl(): string {
    return this.origin;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  route(path: string, handler: RouteHandler): void {
    this.routes.set(path, handler);
  }

  /** Serves `body` as JSON with `status` and a content-length header. */
  serveJson(path: string, body: unknown, status = 200): void {
    this.route(path, (_request, response) => {
      const text = JSON.stringify(body);
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    });
  }

  count(path: string): number {
    return this.requests.filter((requested) => requested === path).length;
  }

  /** Closes the server and every open connection, including ones whose response never finished. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = request.url ?? '/';
    this.requests.push(path);
    const handler = this.routes.get(path);
    if (handler === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":"not_found"}');
      return;
    }
    handler(request, response);
  }
}
