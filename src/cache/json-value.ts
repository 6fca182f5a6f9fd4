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
  if (Array.isArray(value)) {
    for (const item of value) {
      freezeInner(item);
    }
    Object.freeze(value);
  } else if (value !== null && typeof value === 'object') {
    // for-in builds no list of keys. It also reads inherited enumerable properties, which code may
    // add to Object.prototype, so only own properties are frozen.
    for (const key in value) {
      if (Object.hasOwn(value, key)) {
        freezeInner(value[key]);
      }
    }
    Object.freeze(value);
  }
  return value;
}

// Claims are mostly strings and numbers, which need no call.
function freezeInner(item: unknown): void {
  if (item !== null && typeof item === 'object') {
    freezeJson(item);
  }
}
