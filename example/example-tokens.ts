import type { RunningOidcServer } from './oidc-server.js';
import type { PartnerIssuer } from './partner-issuer.js';

/** Audience of the embedded OIDC server's tokens, whose roles are in `roles`. */
export const EXAMPLE_AUDIENCE = 'api://example';
/** Audience of the partner issuer's tokens, whose roles are in `groups`. */
export const PARTNER_AUDIENCE = 'partner-api';

export const ADMIN_CLIENT_ID = 'example-admin';
export const VIEWER_CLIENT_ID = 'example-viewer';

/** Names of the example tokens, which are also their shell variables in the printed curl lines. */
export const ADMIN_TOKEN = 'ADMIN_TOKEN';
export const VIEWER_TOKEN = 'VIEWER_TOKEN';
export const PARTNER_TOKEN = 'PARTNER_TOKEN';
export const PARTNER_WRONG_AUD_TOKEN = 'PARTNER_WRONG_AUD_TOKEN';
export const PARTNER_ROLES_CLAIM_TOKEN = 'PARTNER_ROLES_CLAIM_TOKEN';

/** Fetches the embedded server's tokens and signs the partner's, keyed by token name in print order. */
export async function issueExampleTokens(oidc: RunningOidcServer, partner: PartnerIssuer): Promise<Map<string, string>> {
  const sub = 'partner-service';
  return new Map([
    [ADMIN_TOKEN, await oidc.issueAccessToken(ADMIN_CLIENT_ID)],
    [VIEWER_TOKEN, await oidc.issueAccessToken(VIEWER_CLIENT_ID)],
    [PARTNER_TOKEN, await partner.sign({ sub, aud: PARTNER_AUDIENCE, groups: ['admin'] })],
    // The embedded server's audience, which the partner provider does not accept.
    [PARTNER_WRONG_AUD_TOKEN, await partner.sign({ sub, aud: EXAMPLE_AUDIENCE, groups: ['admin'] })],
    // `admin` under `roles`, a claim that the partner provider's roles key does not name.
    [PARTNER_ROLES_CLAIM_TOKEN, await partner.sign({ sub, aud: PARTNER_AUDIENCE, roles: ['admin'] })],
  ]);
}
