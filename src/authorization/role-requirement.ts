import { lookUpClaim, rolesFromClaim } from './claim-lookup.js';

/** Options of a role requirement: the claim it reads and how it matches. */
export interface RoleClaimOptions {
  /** The claim that contains the roles: an exact claim name first, then a dotted path. */
  rolesKey?: string;
  /** Splits a string claim into roles, such as `' '` for a space-delimited `scp`. */
  delimiter?: string;
  /** Whether any one of the listed roles suffices (`'any'`, the default) or all are needed (`'all'`). */
  match?: 'any' | 'all';
}

/** One `@Authorized` declaration: the token must grant one of `roles`, or all of them with `match: 'all'`. */
export class RoleRequirement {
  readonly roles: readonly string[];

  constructor(
    roles: string | readonly string[],
    readonly options: RoleClaimOptions = {},
  ) {
    this.roles = typeof roles === 'string' ? [roles] : [...roles];
  }

  /**
   * Tells whether `claims` satisfy this requirement. Role names match exactly and case-sensitively.
   * A requirement with no roles is satisfied by any verified token.
   */
  isSatisfiedBy(claims: Record<string, unknown>, defaultRolesKey: string): boolean {
    if (this.roles.length === 0) {
      return true;
    }
    const value = lookUpClaim(claims, this.options.rolesKey ?? defaultRolesKey);
    const granted = new Set(rolesFromClaim(value, this.options.delimiter));
    const grants = (role: string): boolean => granted.has(role);
    return this.options.match === 'all' ? this.roles.every(grants) : this.roles.some(grants);
  }
}

/**
 * Turns the roles routing-controllers hands to the authorization checker into requirements: each
 * {@link RoleRequirement} stays as it is, and the plain strings together form one requirement in
 * which any one role suffices. Values of other types are ignored.
 */
export function toRequirements(roles: readonly unknown[]): RoleRequirement[] {
  const requirements = roles.filter((role): role is RoleRequirement => role instanceof RoleRequirement);
  const plain = roles.filter((role): role is string => typeof role === 'string');
  if (plain.length > 0) {
    requirements.push(new RoleRequirement(plain));
  }
  return requirements;
}
