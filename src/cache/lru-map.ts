/**
 * A `Map` that keeps at most `maxSize` entries: reading or writing an entry makes it the most
 * recently used, and a write over the limit removes the least recently used one. Keyv accepts it
 * as an in-memory store.
 */
export class LruMap<K, V> extends Map<K, V> {
  constructor(readonly maxSize: number) {
    super();
  }

  override get(key: K): V | undefined {
    if (!super.has(key)) {
      return undefined;
    }
    const value = super.get(key) as V;
    super.delete(key);
    super.set(key, value);
    return value;
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.maxSize) {
      this.delete(this.keys().next().value as K);
    }
    return this;
  }
}
