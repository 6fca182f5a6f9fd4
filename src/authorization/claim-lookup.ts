/**
 * Returns the value of the claim `key`: the claim with exactly that name when there is one (names
 * such as `cognito:groups` or `https://example.com/roles`), otherwise the value at that dotted path
 * (`realm_access.roles`). Returns `undefined` when neither exists.
 */
export function lookUpClaim(claims: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(claims, key)) {
    return claims[key];
  }
  let value: unknown = claims;
  for (const segment of key.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/**
 * Returns the roles a claim value grants: the strings of an array, or a string split by
 * `delimiter` (the whole string when no delimiter is given). Any other value grants no roles.
 */
export function rolesFromClaim(value: unknown, delimiter?: string): string[] {
  if (Array.isArray(value)) {
    return value.filter((role): role is string => typeof role === 'string');
  }
  if (typeof value === 'string') {
    const roles = delimiter === undefined || delimiter === '' ? [value] : value.split(delimiter);
    return roles.filter((role) => role.length > 0);
  }
  return [];
}
