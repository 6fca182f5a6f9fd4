import { getOidcAuth } from './checkers.js';

/** The outcome of {@link warmUpOidcAuth}: the discovery URLs loaded and those that failed. */
export interface WarmUpReport {
  loaded: string[];
  failed: Array<{ discoveryUrl: string; reason: string }>;
}

/**
 * Loads every configured provider's discovery document and JWKS now, so that the first requests
 * need not wait for them. A provider that fails is reported, not thrown, unless `throwOnFailure`
 * is set; its documents are then loaded again when a token first needs them.
 *
 * @example
 * configureOidcAuth(options);
 * const { failed } = await warmUpOidcAuth();
 * failed.forEach(({ discoveryUrl, reason }) => log.warn(`${discoveryUrl}: ${reason}`));
 *
 * @throws {Error} with `throwOnFailure`, naming every provider that failed.
 */
export async function warmUpOidcAuth(options: { throwOnFailure?: boolean } = {}): Promise<WarmUpReport> {
  const providers = getOidcAuth().providers;
  const outcomes = await Promise.allSettled(providers.map((provider) => provider.documents.warmUp()));
  const report: WarmUpReport = { loaded: [], failed: [] };
  outcomes.forEach((outcome, index) => {
    const discoveryUrl = providers[index].documents.expectation.discoveryUrl;
    if (outcome.status === 'fulfilled') {
      report.loaded.push(discoveryUrl);
    } else {
      report.failed.push({ discoveryUrl, reason: outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason) });
    }
  });
  if (options.throwOnFailure === true && report.failed.length > 0) {
    const list = report.failed.map(({ discoveryUrl, reason }) => `${discoveryUrl} (${reason})`).join('; ');
    throw new Error(`Warm-up failed for ${report.failed.length} of ${providers.length} providers: ${list}`);
  }
  return report;
}
