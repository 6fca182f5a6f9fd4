import type { IncomingMessage } from 'node:http';

import type { JWTPayload } from 'jose';

/** A response the library writes itself, from the global middleware. */
export interface AuthResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** One request and its response, seen the same way for Koa and Express. */
export interface HttpExchange {
  readonly request: IncomingMessage;
  readonly method: string;
  readonly path: string;
  authorizationHeader(): string | undefined;
  /** How many `Authorization` header lines the request sent; Node keeps only the first in `headers`. */
  authorizationHeaderCount(): number;
  /** The `access_token` query parameter as the framework parsed it: a string, a list when repeated, or `undefined`. */
  queryToken(): unknown;
  /** The value of a request header, for CORS preflight detection. */
  header(name: string): string | undefined;
  setHeader(name: string, value: string): void;
  setUser(claims: JWTPayload): void;
  respond(response: AuthResponse): void;
}

/** The parts of a Koa context the library uses. */
export interface KoaContextLike {
  req: IncomingMessage;
  method: string;
  path: string;
  state: Record<string, unknown>;
  query: Record<string, unknown>;
  get(field: string): string;
  set(field: string, value: string): void;
  status: number;
  body: unknown;
}

/** The parts of an Express request and response the library uses. */
export interface ExpressRequestLike extends IncomingMessage {
  path: string;
  query?: Record<string, unknown>;
  user?: unknown;
}
export interface ExpressResponseLike {
  setHeader(name: string, value: string): unknown;
  status(code: number): ExpressResponseLike;
  json(body: unknown): unknown;
}

/** Wraps a Koa context. */
export function koaExchange(context: KoaContextLike): HttpExchange {
  return new KoaExchange(context);
}

/** Wraps an Express request and response. */
export function expressExchange(request: ExpressRequestLike, response: ExpressResponseLike): HttpExchange {
  return new ExpressExchange(request, response);
}

// Classes rather than object literals of closures, because every request makes one or more
// exchanges and a class instance is one small allocation. Fields are read only when needed.
class KoaExchange implements HttpExchange {
  constructor(private readonly context: KoaContextLike) {}

  get request(): IncomingMessage {
    return this.context.req;
  }

  get method(): string {
    return this.context.method;
  }

  get path(): string {
    return this.context.path;
  }

  authorizationHeader(): string | undefined {
    return this.context.req.headers.authorization;
  }

  authorizationHeaderCount(): number {
    return countAuthorizationLines(this.context.req);
  }

  queryToken(): unknown {
    return this.context.query.access_token;
  }

  header(name: string): string | undefined {
    return headerValue(this.context.req, name);
  }

  setHeader(name: string, value: string): void {
    this.context.set(name, value);
  }

  setUser(claims: JWTPayload): void {
    this.context.state.user = claims;
  }

  respond({ status, headers, body }: AuthResponse): void {
    Object.entries(headers).forEach(([name, value]) => this.context.set(name, value));
    this.context.status = status;
    this.context.body = body;
  }
}

class ExpressExchange implements HttpExchange {
  constructor(
    readonly request: ExpressRequestLike,
    private readonly response: ExpressResponseLike,
  ) {}

  get method(): string {
    return this.request.method ?? 'GET';
  }

  get path(): string {
    return this.request.path;
  }

  authorizationHeader(): string | undefined {
    return this.request.headers.authorization;
  }

  authorizationHeaderCount(): number {
    return countAuthorizationLines(this.request);
  }

  queryToken(): unknown {
    return this.request.query?.access_token;
  }

  header(name: string): string | undefined {
    return headerValue(this.request, name);
  }

  setHeader(name: string, value: string): void {
    this.response.setHeader(name, value);
  }

  setUser(claims: JWTPayload): void {
    this.request.user = claims;
  }

  respond({ status, headers, body }: AuthResponse): void {
    Object.entries(headers).forEach(([name, value]) => this.response.setHeader(name, value));
    this.response.status(status).json(body);
  }
}

/** Wraps the `action` that routing-controllers hands to the checkers, whichever driver made it. */
export function actionExchange(action: { request: unknown; response: unknown; context?: unknown }): HttpExchange {
  if (action.context !== undefined) {
    return koaExchange(action.context as KoaContextLike);
  }
  return expressExchange(action.request as ExpressRequestLike, action.response as ExpressResponseLike);
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

const AUTHORIZATION = 'authorization';

function countAuthorizationLines(request: IncomingMessage): number {
  let count = 0;
  const rawHeaders = request.rawHeaders;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    // Most clients send `Authorization` or `authorization`, which compare without a lowercase copy.
    const name = rawHeaders[index];
    if (name === 'Authorization' || name === AUTHORIZATION || (name.length === AUTHORIZATION.length && name.toLowerCase() === AUTHORIZATION)) {
      count += 1;
    }
  }
  return count;
}
