import { RoleRequirement, toRequirements } from '../authorization/role-requirement.js';
import type { LoggerProtocol } from '../logging/logger-protocol.js';
import { AuthError } from '../verification/errors.js';
import type { TrustedProvider, VerifiedToken } from '../verification/token-verifier.js';
import type { RequestAuthenticator } from './request-authenticator.js';

/** The services one configuration registers: authentication, role checks, and response settings. */
export class OidcAuth {
  constructor(
    readonly providers: readonly TrustedProvider[],
    readonly authenticator: RequestAuthenticator,
    readonly defaultRolesKey: string,
    readonly realm: string,
    private readonly logger?: LoggerProtocol,
  ) {}

  /**
   * Checks that a verified token meets every requirement. The roles claim is the requirement's
   * `rolesKey`, else the issuing provider's, else the configured default.
   *
   * @throws {AuthError} `insufficient_role` when a requirement is not met.
   */
  authorize(verified: VerifiedToken, roles: readonly unknown[]): void {
    if (roles.length === 0) {
      return;
    }
    const rolesKey = verified.provider.rolesKey ?? this.defaultRolesKey;
    const claims = verified.claims as Record<string, unknown>;
    const unmet = toRequirements(roles).find((requirement) => !requirement.isSatisfiedBy(claims, rolesKey));
    if (unmet !== undefined) {
      // The required roles come from the code, so they may be logged; the token's own roles may not.
      this.logger?.debug('Roles missing', { iss: verified.claims.iss, sub: verified.claims.sub, required: [...unmet.roles], rolesKey: unmet.options.rolesKey ?? rolesKey });
      throw new AuthError('insufficient_role');
    }
  }
}

/** Returns the role names of `roles`, for the `scope` attribute of a 403 response. */
export function requiredRoleNames(roles: readonly unknown[]): string[] {
  return toRequirements(roles).flatMap((requirement: RoleRequirement) => [...requirement.roles]);
}
