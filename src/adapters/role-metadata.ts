import { getMetadataArgsStorage } from 'routing-controllers';

import { RoleRequirement } from '../authorization/role-requirement.js';

type AuthorizedHandler = { type: string; target: unknown; method?: string; value?: unknown };

/**
 * Rewrites the `@Authorized` declarations made so far so that each one must hold on its own.
 * - routing-controllers concatenates a controller's roles with a method's. A method that needs
 *   `admin` in a controller that needs `user` would then open for `user` alone, so each plain role
 *   list becomes one requirement instead.
 * - routing-controllers reads only the first `@Authorized` of a method or controller, so repeated
 *   decorators are merged into that first one.
 * It changes declarations only until routing-controllers reads them, which is why
 * `configureOidcAuth` must run before `useKoaServer` or `useExpressServer`.
 */
export function prepareRoleDeclarations(): void {
  const groups = new Map<unknown, Map<string, AuthorizedHandler[]>>();
  for (const handler of getMetadataArgsStorage().responseHandlers as AuthorizedHandler[]) {
    if (handler.type !== 'authorized') {
      continue;
    }
    const byMethod = groups.get(handler.target) ?? new Map<string, AuthorizedHandler[]>();
    groups.set(handler.target, byMethod);
    const key = handler.method ?? '';
    byMethod.set(key, [...(byMethod.get(key) ?? []), handler]);
  }
  for (const byMethod of groups.values()) {
    byMethod.forEach((handlers) => mergeInto(handlers));
  }
}

// A class-based checker (`@Authorized(CheckerClass)`) is routing-controllers' own business: left as it is.
function mergeInto(handlers: AuthorizedHandler[]): void {
  if (handlers.some((handler) => typeof handler.value === 'function')) {
    return;
  }
  // A Set, because after a first merge every handler has the same requirements.
  const requirements = [...new Set(handlers.flatMap((handler) => asRequirements(handler.value)))];
  handlers.forEach((handler) => (handler.value = requirements));
}

function asRequirements(value: unknown): unknown[] {
  if (typeof value === 'string') {
    return [new RoleRequirement(value)];
  }
  if (Array.isArray(value) && value.length > 0 && value.every((role) => typeof role === 'string')) {
    return [new RoleRequirement(value as string[])];
  }
  return asArray(value);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}
