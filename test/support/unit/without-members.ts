/** Returns a shallow copy of `value` without the named members. */
export function withoutMembers<T extends object>(value: T, ...names: string[]): T {
  const copy = { ...value } as Record<string, unknown>;
  for (const name of names) {
    delete copy[name];
  }
  return copy as T;
}
