import { Authorized as RoutingControllersAuthorized } from 'routing-controllers';

import { RoleRequirement, type RoleClaimOptions } from '../authorization/role-requirement.js';

/**
 * Marks a controller or action as needing a valid token that grants at least one of `roles`,
 * read from `options.rolesKey` (default: the configured `rolesKey`) and split by
 * `options.delimiter` when the claim is a string.
 *
 * @example
 * \@Authorized(['admin'], { rolesKey: 'permissions' })
 * \@Authorized('reports.read', { rolesKey: 'scp', delimiter: ' ' })
 */
export function Authorized(roles: string | string[] = [], options: RoleClaimOptions = {}): (target: object, method?: string) => void {
  const requirement = new RoleRequirement(roles, options);
  // routing-controllers passes these values through to the authorization checker untouched.
  return RoutingControllersAuthorized([requirement] as unknown as string[]) as (target: object, method?: string) => void;
}
