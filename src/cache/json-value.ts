/**
 * Returns `value` as JSON would carry it (what `JSON.parse(JSON.stringify(value))` returns), detached
 * from the caller's objects. Returns `undefined` for a value that JSON cannot represent, such as
 * `undefined` or a function.
 *
 * @throws {TypeError} for a value `JSON.stringify` rejects: a BigInt or a cycle.
 */
export function toJsonValue(value: unknown): unknown {
  const text = JSON.stringify(value) as string | undefined;
  return text === undefined ? undefined : JSON.parse(text);
}

/**
 * Freezes a JSON value and every object and array inside it, and returns it. Verified claims are
 * frozen because every request with the same token shares them: no handler can change what the
 * next request reads.
 */
export function freezeJson<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) {
      // Claims are mostly strings and numbers, which need no call.
      if (item !== null && typeof item === 'object') {
        freezeJson(item);
      }
    }
    Object.freeze(value);
  }
  return value;
}
