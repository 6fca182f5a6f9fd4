/**
 * Returns the value of the claim `key`: the claim with exactly that name when there is one (names
 * such as `cognito:groups` or `https://example.com/roles`), otherwise the value at that dotted path
 * (`realm_access.roles`). A path segment may itself contain dots, as a Keycloak client ID such as
 * `my.api` in `resource_access.my.api.roles` does: at each level the longest existing name wins.
 * Returns `undefined` when nothing matches.
 */
export function lookUpClaim(claims: Record<string, unknown>, key: string): unknown {
  return lookUpPath(claims, key.split('.'));
}

function lookUpPath(value: unknown, segments: readonly string[]): unknown {
  if (segments.length === 0) {
    return value;
  }
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  for (let end = segments.length; end > 0; end -= 1) {
    const name = segments.slice(0, end).join('.');
    if (Object.hasOwn(value, name)) {
      const found = lookUpPath((value as Record<string, unknown>)[name], segments.slice(end));
      if (found !== undefined) {
        return found;
      }
    }
  }
  return undefined;
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
