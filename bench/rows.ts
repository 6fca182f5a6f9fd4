// The servers the comparison benchmark measures, one table row each, in the order they are printed.

/** The kind of server a child process runs. `library-two-providers` serves only the cold-start measurement. */
export type ServerKind =
  | 'koa-none'
  | 'koa-trivial-checker'
  | 'library-memory'
  | 'library-off'
  | 'library-redis'
  | 'keyv-redis-checker'
  | 'keyv-redis-mark-checker'
  | 'jose-checker'
  | 'koa-jwt'
  | 'express-bearer'
  | 'express-none'
  | 'library-two-providers';

/** The kinds of server that write to and read from Redis, whose namespace the profiler clears after it stops one. */
export const REDIS_KINDS: ReadonlySet<ServerKind> = new Set(['library-redis', 'keyv-redis-checker', 'keyv-redis-mark-checker']);

/** One row of the comparison table. */
export interface Row {
  id: string;
  kind: ServerKind;
  label: string;
  /** The id of the row whose requests per second this row's ratio divides by: its framework's ceiling. */
  ceiling: string;
}

export const ROWS: readonly Row[] = [
  { id: '1', kind: 'koa-none', label: 'routing-controllers on Koa, no auth (ceiling)', ceiling: '1' },
  { id: '1b', kind: 'koa-trivial-checker', label: 'routing-controllers on Koa, @Authorized() with checkers that return at once (reference)', ceiling: '1' },
  { id: '2', kind: 'library-memory', label: 'this library, token cache in memory', ceiling: '1' },
  { id: '3', kind: 'library-off', label: 'this library, token cache off (tokenTtl 0)', ceiling: '1' },
  { id: '4', kind: 'library-redis', label: 'this library, token cache in Redis', ceiling: '1' },
  { id: '4b', kind: 'keyv-redis-checker', label: 'authorizationChecker reading one entry from Keyv on Redis (reference: a floor for row 4)', ceiling: '1' },
  {
    id: '4c',
    kind: 'keyv-redis-mark-checker',
    label: 'authorizationChecker reading one entry and its revocation mark from Keyv on Redis (reference: the floor for row 4)',
    ceiling: '1',
  },
  { id: '5', kind: 'jose-checker', label: 'authorizationChecker calling jose jwtVerify with a local key', ceiling: '1' },
  { id: '6', kind: 'koa-jwt', label: 'koa-jwt with jwks-rsa koaJwtSecret', ceiling: '1' },
  { id: '7', kind: 'express-bearer', label: 'express-oauth2-jwt-bearer on Express 4', ceiling: '7b' },
  { id: '7b', kind: 'express-none', label: 'routing-controllers on Express 4, no auth (ceiling)', ceiling: '7b' },
];

/** The one route every row serves, and the audience of the benchmark token. */
export const ROUTE = '/bench';
export const AUDIENCE = 'api://bench';

/** URLs of a local issuer and its documents, which the parent passes to each server. */
export interface IssuerEndpoints {
  issuer: string;
  discoveryUrl: string;
  jwksUri: string;
}

/** Configuration of a server child process, read from the `BENCH_SERVER` environment variable as JSON. */
export interface ServerConfig {
  kind: ServerKind;
  issuers: IssuerEndpoints[];
  /** The issuer's public key, for `jose-checker`, which imports it once at start. */
  publicJwk?: Record<string, unknown>;
  redisUrl: string;
  /** The Keyv namespace of the kinds in REDIS_KINDS, which the parent clears when the benchmark ends. */
  redisNamespace: string;
}
