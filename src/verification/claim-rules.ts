import type { JWTPayload } from 'jose';

import type { IssuerMatch } from './issuer-match.js';

/** A value a required claim may have: a JSON string, number or boolean. */
export type ClaimValue = string | number | boolean;

/** A provider's rules for the claims jose does not check. */
export interface ClaimRules {
  /**
   * `aud`, checked by jose, or `client_id`: Amazon Cognito access tokens (`token_use: access`) carry
   * the client in `client_id` and no `aud`, while its ID tokens carry `aud`.
   */
  audienceClaim: 'aud' | 'client_id';
  /** Claims every token must carry, each with one of the listed values (compared with `===`). */
  requiredClaims: Readonly<Record<string, readonly ClaimValue[]>>;
  /** Lower-case tenant IDs whose tokens are accepted, compared with `tid`; undefined accepts any tenant. */
  tenants?: ReadonlySet<string>;
}

/** The rules of a provider configured without a preset or claim options. */
export const DEFAULT_CLAIM_RULES: ClaimRules = { audienceClaim: 'aud', requiredClaims: {} };

/**
 * Returns which of its provider's claim rules a verified payload breaks, naming the claim but not
 * its value, or undefined when it meets them all. The rules are the audience where the provider
 * keeps it, every required claim, and the tenant rules. When the issuer matched a multi-tenant
 * template, `tid` must name the same tenant as `iss`.
 */
export function claimRuleFailure(payload: JWTPayload, audiences: readonly string[], rules: ClaimRules, match: IssuerMatch): string | undefined {
  if (rules.audienceClaim === 'client_id' && !meetsCognitoAudience(payload, audiences)) {
    return payload.token_use === 'access' ? 'client_id is not an accepted audience' : 'aud is not an accepted audience';
  }
  for (const [claim, allowed] of Object.entries(rules.requiredClaims)) {
    const value: unknown = Object.hasOwn(payload, claim) ? payload[claim] : undefined;
    if (!allowed.some((entry) => entry === value)) {
      return `required claim ${claim} is missing or has a value that is not allowed`;
    }
  }
  return meetsTenantRule(payload.tid, rules.tenants, match.tenant) ? undefined : 'tid is missing, not accepted, or differs from the tenant in iss';
}

function meetsCognitoAudience(payload: JWTPayload, audiences: readonly string[]): boolean {
  if (payload.token_use === 'access') {
    return typeof payload.client_id === 'string' && audiences.includes(payload.client_id);
  }
  const values: unknown[] = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  return values.some((entry) => typeof entry === 'string' && audiences.includes(entry));
}

function meetsTenantRule(tid: unknown, tenants: ReadonlySet<string> | undefined, issuerTenant: string | undefined): boolean {
  if (tenants === undefined && issuerTenant === undefined) {
    return true;
  }
  if (typeof tid !== 'string') {
    return false;
  }
  const tenant = tid.toLowerCase();
  return (issuerTenant === undefined || tenant === issuerTenant) && (tenants === undefined || tenants.has(tenant));
}
