import type { IncomingMessage } from 'node:http';

import type { MemoryHit, VerifiedTokenCache } from '../cache/verified-token-cache.js';
import type { VerifiedToken } from '../verification/token-verifier.js';

/** The bearer token of a header and the token's cache keys. */
export interface HeaderToken {
  token: string;
  keys: string[];
}

/** The last `Authorization` header of a connection, its token and cache keys, and the in-memory hit if there was one. */
interface Remembered extends HeaderToken {
  /** The memo, and so the configuration, that kept this entry. */
  owner: ConnectionMemo;
  header: string;
  hit?: MemoryHit;
}

// One entry per connection, whatever the configuration: a new configuration's first request on a
// connection replaces the entry of the one before, so old configurations are not kept alive.
const MEMO_KEY = Symbol('routing-controllers-oidc connection memo');

type Connection = { [MEMO_KEY]?: Remembered };

/**
 * Keeps, on each connection, the last `Authorization` header, its token and the token's cache keys
 * and, when the in-memory cache had the token, the hit. A client on a keep-alive connection sends
 * the same header with every request. Those requests then skip reading and hashing the token, and
 * skip the lookup too while the cache confirms that a new lookup would return the same hit.
 *
 * The header is kept exactly as received, so another header on the same connection, however
 * similar, is looked up as usual. What is kept goes with the connection, one entry per connection.
 */
export class ConnectionMemo {
  constructor(private readonly cache: VerifiedTokenCache) {}

  /** Returns the verified token of `header` when this connection's last hit was for it and is still current. */
  recall(request: IncomingMessage, header: string): VerifiedToken | undefined {
    const remembered = this.entryOf(request, header);
    const hit = remembered?.hit;
    return hit !== undefined && this.cache.isCurrent(hit) ? hit.verified : undefined;
  }

  /**
   * Returns the token and cache keys of `header` when this connection's last header was the same.
   * A store other than the default one is then asked without reading and hashing the token again.
   */
  tokenFor(request: IncomingMessage, header: string): HeaderToken | undefined {
    return this.entryOf(request, header);
  }

  /**
   * Keeps `header` with its token and cache keys, and the in-memory hit if there was one, on the
   * request's connection. The caller keeps only a header that a token was read from.
   */
  keep(request: IncomingMessage, header: string, read: HeaderToken, hit?: MemoryHit): void {
    const connection = request.socket as unknown as Connection | null | undefined;
    if (connection !== null && connection !== undefined) {
      connection[MEMO_KEY] = { owner: this, header, token: read.token, keys: read.keys, hit };
    }
  }

  // Returns the connection's entry when this memo kept it for exactly `header`.
  private entryOf(request: IncomingMessage, header: string): Remembered | undefined {
    const remembered = (request.socket as unknown as Connection | null | undefined)?.[MEMO_KEY];
    return remembered !== undefined && remembered.owner === this && remembered.header === header ? remembered : undefined;
  }
}
