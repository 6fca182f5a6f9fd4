import type { LoggerProtocol } from '../logging/logger-protocol.js';
import type { Clock } from '../verification/clock.js';
import type { CacheProtocol } from './cache-protocol.js';
import { StoreGuard, type StoreGuardSettings } from './store-guard.js';
import { digestToken } from './token-key.js';

/** Discovery documents and JWKS shared through a store, so that instances fetch each one once. */
export interface DocumentStore {
  /** Returns the body stored for `url` while it is fresh, else `undefined`. */
  read(url: string): Promise<unknown>;
  /** Stores the body fetched from `url` for `ttlMs`. */
  write(url: string, body: unknown, ttlMs: number): Promise<void>;
}

interface StoredDocument {
  url: string;
  body: unknown;
  expiresAt: number;
}

/**
 * A {@link DocumentStore} in the token cache's store. Bodies read from it are raw: the caller
 * validates them exactly as fetched ones, and fetches again when they fail. A failing store only
 * means a fetch, as for tokens.
 */
export class CacheDocumentStore implements DocumentStore {
  private readonly guard: StoreGuard;

  constructor(
    private readonly store: () => CacheProtocol,
    settings: StoreGuardSettings,
    private readonly clock: Clock,
    logger: LoggerProtocol,
  ) {
    this.guard = new StoreGuard(settings, clock, logger);
  }

  async read(url: string): Promise<unknown> {
    const stored = (await this.guard.run<unknown>(() => this.store().getToken(documentKey(url)))) as Partial<StoredDocument> | null | undefined;
    const fresh = stored?.url === url && typeof stored.expiresAt === 'number' && stored.expiresAt > this.clock.now();
    return fresh ? stored.body : undefined;
  }

  async write(url: string, body: unknown, ttlMs: number): Promise<void> {
    const entry: StoredDocument = { url, body, expiresAt: this.clock.now() + ttlMs };
    await this.guard.run(() => this.store().addToken(documentKey(url), entry, ttlMs));
  }
}

function documentKey(url: string): string {
  return `rco:document:${digestToken(url)}`;
}
