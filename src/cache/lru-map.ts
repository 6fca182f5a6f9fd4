/**
 * A `Map` that keeps at most `maxSize` entries: reading or writing an entry makes it the most
 * recently used, and a write over the limit removes the least recently used one. Keyv accepts it
 * as an in-memory store.
 */
export class LruMap<K, V> extends Map<K, V> {
  private changes = 0;

  constructor(readonly maxSize: number) {
    super();
  }

  /**
   * A count that grows on every write, removal and clear, but not on reads. While it stays the same,
   * every earlier read would still return the same value, except for entries that expire meanwhile.
   */
  get version(): number {
    return this.changes;
  }

  override get(key: K): V | undefined {
    const value = super.get(key);
    // An absent key costs one lookup, and `has` separates an absent key from a stored `undefined`.
    if (value === undefined && !super.has(key)) {
      return undefined;
    }
    super.delete(key);
    super.set(key, value as V);
    return value;
  }

  override set(key: K, value: V): this {
    this.changes += 1;
    super.delete(key);
    super.set(key, value);
    if (this.size > this.maxSize) {
      this.delete(this.keys().next().value as K);
    }
    return this;
  }

  override delete(key: K): boolean {
    this.changes += 1;
    return super.delete(key);
  }

  override clear(): void {
    this.changes += 1;
    super.clear();
  }
}
