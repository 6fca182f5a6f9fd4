import type { DocumentSettings } from '../../../src/discovery/provider-documents.js';
import { SUPPORTED_ALGORITHMS } from '../../../src/verification/algorithms.js';

/** Document settings for tests that build `ProviderDocuments` directly: no stale copies, no retry pause. */
export const TEST_DOCUMENT_SETTINGS: DocumentSettings = {
  oidcTtlMs: 3_600_000,
  jwksTtlMs: 600_000,
  keyRefetchCooldownMs: 30_000,
  maxStaleMs: 0,
  retryAfterMs: 0,
  limits: { timeoutMs: 2_000, maxBytes: 100_000 },
  algorithms: SUPPORTED_ALGORITHMS,
};
