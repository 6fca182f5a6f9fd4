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
 * Returns a deep copy of a JSON value: a tree of plain objects, arrays, strings, numbers, booleans
 * and `null`, such as {@link toJsonValue} returns. For the small objects of token claims it is
 * faster than parsing their JSON text again. Other objects (a `Date`, a `Map`) are not copied
 * faithfully, so pass only JSON values.
 */
export function copyJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown) => copyJson(item)) as T;
  }
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    setOwn(copy, key, copyJson(source[key]));
  }
  return copy as T;
}

// `JSON.parse` makes "__proto__" an own property, where an assignment would replace the prototype.
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
