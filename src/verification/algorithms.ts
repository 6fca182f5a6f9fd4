/** The asymmetric JWS algorithms the library can verify; the default allowlist. */
export const SUPPORTED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export type SupportedAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

const EC_CURVES: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/** Tells whether `value` names one of {@link SUPPORTED_ALGORITHMS}. */
export function isSupportedAlgorithm(value: unknown): value is SupportedAlgorithm {
  return typeof value === 'string' && (SUPPORTED_ALGORITHMS as readonly string[]).includes(value);
}

/** Tells whether a key of type `kty` on curve `crv` can verify signatures made with `alg`. */
export function keyFitsAlgorithm(alg: string, kty: string, crv: string | undefined): boolean {
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    return kty === 'RSA';
  }
  if (alg.startsWith('ES')) {
    return kty === 'EC' && crv === EC_CURVES[alg];
  }
  if (alg === 'EdDSA' || alg === 'Ed25519') {
    return kty === 'OKP' && crv === 'Ed25519';
  }
  return false;
}
