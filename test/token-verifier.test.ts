import { expect } from 'chai';
import { CompactSign, type JWTPayload } from 'jose';

import type { IssuerExpectation } from '../src/discovery/issuer-rules.js';
import { ProviderDocuments } from '../src/discovery/provider-documents.js';
import { AuthError } from '../src/verification/errors.js';
import { TokenVerifier, type TrustedProvider, type VerifierSettings } from '../src/verification/token-verifier.js';
import { CountingLogger } from './support/counting-logger.js';
import { TestIssuer, type IssuerKey } from './support/test-issuer.js';
import { DocumentServer } from './support/unit/document-server.js';
import { ManualClock } from './support/unit/manual-clock.js';
import { rejectionOf } from './support/unit/rejection.js';
import { TEST_DOCUMENT_SETTINGS } from './support/unit/document-settings.js';

const AUDIENCE = 'api://example';
const START_MS = 1_700_000_000_000;
const START_SECONDS = START_MS / 1000;
const TOLERANCE_SECONDS = 30;

const DOCUMENT_SETTINGS = TEST_DOCUMENT_SETTINGS;

describe('TokenVerifier', () => {
  let issuer: TestIssuer;
  let ecKey: IssuerKey;
  let clock: ManualClock;
  let logger: CountingLogger;

  before(async () => {
    issuer = await TestIssuer.start();
    ecKey = await issuer.addKey('ec-key-1', 'ES256');
  });

  after(async () => {
    await issuer.close();
  });

  beforeEach(() => {
    clock = new ManualClock(START_MS);
    logger = new CountingLogger();
  });

  function providerFor(discoveryUrl: string, audiences: readonly string[] = [AUDIENCE], rule: Partial<IssuerExpectation> = {}): TrustedProvider {
    const documents = new ProviderDocuments(
      { discoveryUrl, sameOriginIssuer: false, ...rule },
      DOCUMENT_SETTINGS,
      clock,
      logger,
    );
    return { documents, audiences };
  }

  function verifierFor(
    providers: TrustedProvider[] = [providerFor(issuer.discoveryUrl)],
    algorithms: readonly string[] = ['RS256'],
  ): TokenVerifier {
    const settings: VerifierSettings = { algorithms, clockToleranceSeconds: TOLERANCE_SECONDS };
    return new TokenVerifier(providers, settings, clock, logger);
  }

  /** Signs a token that is valid at the injected clock's start for `AUDIENCE`. */
  function signValid(claims: JWTPayload = {}, options: Parameters<TestIssuer['sign']>[1] = {}): Promise<string> {
    return issuer.sign(
      { sub: 'user-1', aud: AUDIENCE, iat: START_SECONDS, exp: START_SECONDS + 600, ...claims },
      options,
    );
  }

  async function failureCode(verifier: TokenVerifier, token: string): Promise<string | undefined> {
    const error = await rejectionOf(verifier.verify(token));
    expect(error).to.be.instanceOf(AuthError);
    return (error as AuthError).code;
  }

  describe('valid tokens', () => {
    it('returns claims of valid token', async () => {
      const verified = await verifierFor().verify(await signValid());

      expect(verified.claims.sub).to.equal('user-1');
      expect(verified.claims.iss).to.equal(issuer.issuer);
    });

    it('returns issuing provider', async () => {
      const provider = providerFor(issuer.discoveryUrl);

      const verified = await verifierFor([provider]).verify(await signValid());

      expect(verified.provider).to.equal(provider);
    });

    it('accepts audience array with configured audience', async () => {
      const token = await signValid({ aud: ['api://other', AUDIENCE] });

      expect((await verifierFor().verify(token)).claims.aud).to.deep.equal(['api://other', AUDIENCE]);
    });

    it('accepts any configured audience', async () => {
      const token = await signValid({ aud: 'api://second' });
      const verifier = verifierFor([providerFor(issuer.discoveryUrl, [AUDIENCE, 'api://second'])]);

      expect((await verifier.verify(token)).claims.sub).to.equal('user-1');
    });

    it('accepts ES256 token when allowed', async () => {
      const token = await signValid({}, { key: ecKey });

      const verified = await verifierFor(undefined, ['RS256', 'ES256']).verify(token);

      expect(verified.claims.sub).to.equal('user-1');
    });

    it('routes token to provider of its issuer', async () => {
      const other = await DocumentServer.start();
      try {
        other.serveJson('/.well-known/openid-configuration', { issuer: other.baseUrl, jwks_uri: other.url('/jwks') });
        const target = providerFor(issuer.discoveryUrl);
        const verifier = verifierFor([providerFor(other.url('/.well-known/openid-configuration')), target]);

        const verified = await verifier.verify(await signValid());

        expect(verified.provider).to.equal(target);
        expect(other.requests).to.deep.equal([]);
      } finally {
        await other.close();
      }
    });
  });

  describe('time claims', () => {
    it('rejects token expired by injected clock', async () => {
      const token = await signValid();

      clock.advance((600 + TOLERANCE_SECONDS + 1) * 1000);

      expect(await failureCode(verifierFor(), token)).to.equal('token_expired');
    });

    it('rejects expired token on reused verifier', async () => {
      const token = await signValid();
      const verifier = verifierFor();
      await verifier.verify(token);

      clock.advance((600 + TOLERANCE_SECONDS + 1) * 1000);

      expect(await failureCode(verifier, token)).to.equal('token_expired');
    });

    it('reads negative clock as Date does', async () => {
      // new Date(-0.5) is 0 ms after 1970, so jose's current second is 0 and this token has just expired.
      clock = new ManualClock(-0.5);
      const token = await signValid({ iat: -TOLERANCE_SECONDS - 10, exp: -TOLERANCE_SECONDS });

      expect(await failureCode(verifierFor(), token)).to.equal('token_expired');
    });

    it('rejects clock beyond Date range', async () => {
      // No Date can represent this time, so jose rejects its current date whatever the token.
      clock = new ManualClock(8.64e15 + 500);
      const token = await signValid();

      expect(await failureCode(verifierFor(), token)).to.equal('invalid_token');
    });

    it('accepts expiry within tolerance', async () => {
      const token = await signValid();

      clock.advance((600 + TOLERANCE_SECONDS - 1) * 1000);

      expect((await verifierFor().verify(token)).claims.sub).to.equal('user-1');
    });

    it('rejects nbf beyond tolerance', async () => {
      const token = await signValid({ nbf: START_SECONDS + TOLERANCE_SECONDS + 1 });

      expect(await failureCode(verifierFor(), token)).to.equal('invalid_token');
    });

    it('accepts nbf within tolerance', async () => {
      const token = await signValid({ nbf: START_SECONDS + TOLERANCE_SECONDS - 1 });

      expect((await verifierFor().verify(token)).claims.sub).to.equal('user-1');
    });

    it('rejects missing exp', async () => {
      const token = await signValid({ exp: undefined });

      expect(await failureCode(verifierFor(), token)).to.equal('invalid_token');
    });
  });

  describe('audience', () => {
    it('rejects wrong audience', async () => {
      expect(await failureCode(verifierFor(), await signValid({ aud: 'api://other' }))).to.equal('invalid_token');
    });

    it('rejects audience array without configured audience', async () => {
      const token = await signValid({ aud: ['api://other', 'api://third'] });

      expect(await failureCode(verifierFor(), token)).to.equal('invalid_token');
    });

    it('rejects missing audience', async () => {
      expect(await failureCode(verifierFor(), await signValid({ aud: undefined }))).to.equal('invalid_token');
    });
  });

  describe('issuer routing', () => {
    it('rejects issuer with added trailing slash', async () => {
      const token = await signValid({ iss: `${issuer.issuer}/` });

      expect(await failureCode(verifierFor(), token)).to.equal('invalid_token');
    });

    it('rejects unconfigured issuer without fetching', async () => {
      const before = issuer.requests.length;
      const token = await signValid({ iss: 'https://login.example.com' });

      expect(await failureCode(verifierFor(), token)).to.equal('invalid_token');
      expect(issuer.requests.length).to.equal(before);
    });
  });

  describe('documents at hand', () => {
    // After one token, the documents are fresh and the key is imported, so jose is called at once.
    async function warmVerifier(providers?: TrustedProvider[]): Promise<TokenVerifier> {
      const verifier = verifierFor(providers);
      await verifier.verify(await signValid());
      return verifier;
    }

    it('accepts next token without fetching', async () => {
      const verifier = await warmVerifier();
      const before = issuer.requests.length;

      const verified = await verifier.verify(await signValid({ sub: 'user-2' }));

      expect(verified.claims.sub).to.equal('user-2');
      expect(issuer.requests.length).to.equal(before);
    });

    it('rejects every other iss without fetching', async () => {
      const verifier = await warmVerifier();
      const before = issuer.requests.length;
      const values: unknown[] = ['https://login.example.com', `${issuer.issuer}/`, issuer.issuer.toUpperCase(), '', 42, [issuer.issuer], null];

      for (const iss of values) {
        expect(await failureCode(verifier, await signValid({ iss } as JWTPayload)), JSON.stringify(iss)).to.equal('invalid_token');
      }
      expect(await failureCode(verifier, await signValid({ iss: undefined })), 'no iss').to.equal('invalid_token');
      expect(issuer.requests.length).to.equal(before);
    });

    it('rejects signed payload that is not JSON object', async () => {
      const verifier = await warmVerifier();
      const key = issuer.keys[0];

      for (const payload of ['not json', '["claims"]', '"text"', 'null']) {
        const token = await new CompactSign(Buffer.from(payload)).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.privateKey);
        expect(await failureCode(verifier, token), payload).to.equal('invalid_token');
      }
    });

    it('rejects byte order mark before payload', async () => {
      const key = issuer.keys[0];
      const claims = JSON.stringify({ iss: issuer.issuer, sub: 'user-1', aud: AUDIENCE, iat: START_SECONDS, exp: START_SECONDS + 600 });
      const payload = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(claims)]);
      const token = await new CompactSign(payload).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.privateKey);

      expect(await failureCode(verifierFor(), token), 'documents loading').to.equal('invalid_token');
      expect(await failureCode(await warmVerifier(), token), 'documents at hand').to.equal('invalid_token');
    });

    it('accepts only configured token issuer', async () => {
      const tokenIssuer = 'https://public.example.com';
      const verifier = verifierFor([providerFor(issuer.discoveryUrl, [AUDIENCE], { tokenIssuer })]);
      await verifier.verify(await signValid({ iss: tokenIssuer }));

      const verified = await verifier.verify(await signValid({ iss: tokenIssuer, sub: 'user-2' }));

      expect(verified.claims.sub).to.equal('user-2');
      expect(await failureCode(verifier, await signValid()), 'document issuer').to.equal('invalid_token');
    });
  });

  describe('algorithms and keys', () => {
    it('rejects algorithm not in allowlist', async () => {
      const token = await signValid();

      expect(await failureCode(verifierFor(undefined, ['ES256']), token)).to.equal('invalid_token');
    });

    it('rejects ES256 token when not allowed', async () => {
      const token = await signValid({}, { key: ecKey });

      expect(await failureCode(verifierFor(), token)).to.equal('invalid_token');
    });

    it('rejects unsigned token', async () => {
      const payload = (await signValid()).split('.')[1];
      const unsigned = `${headerSegment({ alg: 'none', kid: 'test-key-1' })}.${payload}.`;

      expect(await failureCode(verifierFor(), unsigned)).to.equal('invalid_token');
    });

    it('rejects token without kid', async () => {
      const token = await signValid({}, { header: { kid: undefined } });

      expect(await failureCode(verifierFor(), token)).to.equal('invalid_token');
    });

    it('rejects unknown kid', async () => {
      const token = await signValid({}, { header: { kid: 'unknown-key' } });

      expect(await failureCode(verifierFor(), token)).to.equal('key_not_found');
    });

    it('rejects kid of key with other algorithm', async () => {
      const token = await signValid({}, { header: { kid: ecKey.kid } });

      expect(await failureCode(verifierFor(), token)).to.equal('invalid_token');
    });

    it('rejects changed payload', async () => {
      const [header, , signature] = (await signValid()).split('.');
      const payload = Buffer.from(
        JSON.stringify({ iss: issuer.issuer, sub: 'admin', aud: AUDIENCE, exp: START_SECONDS + 600 }),
      ).toString('base64url');

      expect(await failureCode(verifierFor(), `${header}.${payload}.${signature}`)).to.equal('invalid_token');
    });

    it('rejects token signed by unpublished key', async () => {
      const stranger = await TestIssuer.start();
      try {
        const token = await stranger.sign(
          { iss: issuer.issuer, aud: AUDIENCE, iat: START_SECONDS, exp: START_SECONDS + 600 },
          { header: { kid: 'test-key-1' } },
        );

        expect(await failureCode(verifierFor(), token)).to.equal('invalid_token');
      } finally {
        await stranger.close();
      }
    });
  });

  describe('unavailable provider', () => {
    let server: DocumentServer;

    beforeEach(async () => {
      server = await DocumentServer.start();
      server.serveJson('/.well-known/openid-configuration', { error: 'unavailable' }, 503);
    });

    afterEach(async () => {
      await server.close();
    });

    it('reports provider_unavailable', async () => {
      const verifier = verifierFor([providerFor(server.url('/.well-known/openid-configuration'))]);
      const token = await signValid({ iss: server.baseUrl });

      expect(await failureCode(verifier, token)).to.equal('provider_unavailable');
    });

    it('provider_unavailable is status 500', async () => {
      const verifier = verifierFor([providerFor(server.url('/.well-known/openid-configuration'))]);
      const error = await rejectionOf(verifier.verify(await signValid({ iss: server.baseUrl })));

      expect((error as AuthError).status).to.equal(500);
    });

    it('logs warning for unavailable provider', async () => {
      const verifier = verifierFor([providerFor(server.url('/.well-known/openid-configuration'))]);

      await rejectionOf(verifier.verify(await signValid({ iss: server.baseUrl })));

      expect(logger.lines.filter((line) => line.level === 'warn')).to.have.lengthOf(1);
    });

    it('reports provider_unavailable for missing JWKS', async () => {
      server.serveJson('/.well-known/openid-configuration', { issuer: server.baseUrl, jwks_uri: server.url('/jwks') });
      const verifier = verifierFor([providerFor(server.url('/.well-known/openid-configuration'))]);

      expect(await failureCode(verifier, await signValid({ iss: server.baseUrl }))).to.equal('provider_unavailable');
    });
  });
});

function headerSegment(header: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(header)).toString('base64url');
}
