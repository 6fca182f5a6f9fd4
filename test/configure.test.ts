import { expect } from 'chai';
import { Container } from 'typedi';

import { configureOidcAuth, OIDC_AUTH, OIDC_LOGGER } from '../src/index.js';
import { getOidcAuth } from '../src/adapters/checkers.js';
import { CountingLogger } from './support/counting-logger.js';
import { TestIssuer } from './support/test-issuer.js';

describe('configureOidcAuth', function () {
  let issuer: TestIssuer;

  before(async function () {
    issuer = await TestIssuer.start();
  });

  after(async function () {
    await issuer.close();
    Container.remove(OIDC_LOGGER);
  });

  it('registers the services without fetching anything', function () {
    Container.remove(OIDC_AUTH);
    configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: ['api://local'] });
    expect(Container.has(OIDC_AUTH)).to.equal(true);
    expect(issuer.requests).to.deep.equal([]);
  });

  it('registers the logger from the options', function () {
    const logger = new CountingLogger();
    configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: ['api://local'], logger });
    expect(Container.get(OIDC_LOGGER)).to.equal(logger);
    expect(logger.count('Configured')).to.equal(1);
  });

  it('uses a logger set in the container later', async function () {
    configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: ['api://local'] });
    const logger = new CountingLogger();
    Container.set(OIDC_LOGGER, logger);
    const token = await issuer.sign({ aud: 'api://local' });
    await getOidcAuth().authenticator['verifier'].verify(token);
    expect(logger.count('Token verified')).to.equal(1);
  });

  it('keeps the logger already in the container', function () {
    const logger = new CountingLogger();
    Container.set(OIDC_LOGGER, logger);
    configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: ['api://local'] });
    expect(Container.get(OIDC_LOGGER)).to.equal(logger);
  });

  it('leaves the previous configuration on invalid options', function () {
    configureOidcAuth({ oidcUrls: [issuer.discoveryUrl], audiences: ['api://local'] });
    const previous = Container.get(OIDC_AUTH);
    expect(() => configureOidcAuth({ oidcUrls: [], audiences: ['x'] })).to.throw("Parameter 'oidcUrls' must be a non-empty list of OIDC URLs.");
    expect(Container.get(OIDC_AUTH)).to.equal(previous);
  });

  it('says how to fix a missing configuration', function () {
    Container.remove(OIDC_AUTH);
    expect(() => getOidcAuth()).to.throw('call configureOidcAuth()');
  });
});
