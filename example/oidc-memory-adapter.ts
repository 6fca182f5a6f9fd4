import type { Adapter, AdapterPayload } from 'oidc-provider';

interface StoredEntry {
  payload: AdapterPayload;
  /** Expiry as epoch milliseconds, or Infinity for entries without one. */
  expiresAt: number;
}

/** Key-value storage with expiry, shared by the adapters of one provider. */
class MemoryStore {
  private readonly entries = new Map<string, StoredEntry>();

  set(key: string, payload: AdapterPayload, expiresInSeconds: number): void {
    const expiresAt = expiresInSeconds > 0 ? Date.now() + expiresInSeconds * 1000 : Infinity;
    this.entries.set(key, { payload, expiresAt });
  }

  get(key: string): AdapterPayload | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Returns the first live entry under `prefix` whose payload has `field` equal to `value`. */
  findWhere(prefix: string, field: string, value: string): AdapterPayload | undefined {
    for (const key of [...this.entries.keys()]) {
      const payload = key.startsWith(prefix) ? this.get(key) : undefined;
      if (payload?.[field] === value) return payload;
    }
    return undefined;
  }

  deleteWhere(field: string, value: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.payload[field] === value) this.entries.delete(key);
    }
  }
}

/** oidc-provider adapter for one model (such as `ClientCredentials`) backed by a MemoryStore. */
class MemoryAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly store: MemoryStore,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    this.store.set(`${this.model}:${id}`, payload, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.store.get(`${this.model}:${id}`);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.store.findWhere(`${this.model}:`, 'userCode', userCode);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.store.findWhere(`${this.model}:`, 'uid', uid);
  }

  async consume(id: string): Promise<void> {
    const payload = this.store.get(`${this.model}:${id}`);
    if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.delete(`${this.model}:${id}`);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    this.store.deleteWhere('grantId', grantId);
  }
}

/**
 * Creates an oidc-provider adapter class whose instances share one in-memory
 * store. Each call gets its own store, so two servers in one process never
 * see each other's data. Data is lost on restart, which suits tests and the
 * example but not a deployed provider.
 */
export function createMemoryAdapterClass(): new (model: string) => Adapter {
  const store = new MemoryStore();
  return class extends MemoryAdapter {
    constructor(model: string) {
      super(model, store);
    }
  };
}
