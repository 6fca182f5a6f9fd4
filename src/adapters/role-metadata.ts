import { getMetadataArgsStorage } from 'routing-controllers';

import { RoleRequirement } from '../authorization/role-requirement.js';

/**
 * Turns every plain routing-controllers `@Authorized(roles)` declared so far into a requirement of
 * its own. routing-controllers concatenates a controller's roles with a method's, so without this a
 * method that needs `admin` inside a controller that needs `user` would open for `user` alone.
 * With it, each declaration must hold. It changes declarations only until routing-controllers
 * reads them, which is why `configureOidcAuth` must run before `useKoaServer` or `useExpressServer`.
 */
export function separatePlainRoleLists(): void {
  for (const handler of getMetadataArgsStorage().responseHandlers) {
    if (handler.type === 'authorized' && isRoleList(handler.value)) {
      handler.value = [new RoleRequirement(handler.value)];
    }
  }
}

function isRoleList(value: unknown): value is string | string[] {
  if (typeof value === 'string') {
    return true;
  }
  return Array.isArray(value) && value.length > 0 && value.every((role) => typeof role === 'string');
}
