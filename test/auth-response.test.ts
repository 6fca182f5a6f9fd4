import { expect } from 'chai';

import { AuthHttpError, authResponse, wwwAuthenticate } from '../src/adapters/auth-response.js';
import { AuthError } from '../src/verification/errors.js';

describe('wwwAuthenticate', function () {
  it('names only the realm without a token', function () {
    expect(wwwAuthenticate(new AuthError('missing_token'), 'api')).to.equal('Bearer realm="api"');
  });

  it('describes an invalid token', function () {
    expect(wwwAuthenticate(new AuthError('token_expired'), 'api')).to.equal(
      'Bearer realm="api", error="invalid_token", error_description="Token has expired."',
    );
  });

  it('lists the required roles as scope on 403', function () {
    expect(wwwAuthenticate(new AuthError('insufficient_role'), 'api', ['admin', 'editor'])).to.equal(
      'Bearer realm="api", error="insufficient_scope", error_description="You do not have the required role(s) to access this resource.", scope="admin editor"',
    );
  });

  it('drops characters that could break the header', function () {
    const header = wwwAuthenticate(new AuthError('insufficient_role'), 'api', ['ad"min\r\nX-Injected: 1', '\\']);
    expect(header).to.match(/scope="adminX-Injected:1"$/);
    expect(header).to.not.match(/[\r\n]/);
  });

  it('gives no header for a provider outage', function () {
    expect(wwwAuthenticate(new AuthError('provider_unavailable'), 'api')).to.equal(undefined);
  });
});

describe('AuthHttpError', function () {
  it('serializes name, message and code only', function () {
    const error = new AuthHttpError(new AuthError('invalid_token', { cause: new Error('signature failed for kid abc') }));
    expect(JSON.parse(JSON.stringify(error))).to.deep.equal({ name: 'UnauthorizedError', message: 'Token is invalid.', code: 'invalid_token' });
    expect(error.httpCode).to.equal(401);
    expect(error.stack).to.equal('UnauthorizedError: Token is invalid.');
  });
});

describe('authResponse', function () {
  it('builds the middleware response', function () {
    expect(authResponse(new AuthError('provider_unavailable'), 'api')).to.deep.equal({
      status: 500,
      headers: {},
      body: { name: 'InternalServerError', message: 'Authentication is temporarily unavailable.', code: 'provider_unavailable' },
    });
  });
});
