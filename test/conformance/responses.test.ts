import { expect } from 'chai';

import { get } from '../support/http.js';
import { AUDIENCE_A, describeConformance, expectNothingLeaked } from './harness.js';

describeConformance('responses', (context) => {
  it('401 without token names only the realm', async function () {
    const reply = await get(`${context.guarded.baseUrl}/me`);
    expect(reply.status).to.equal(401);
    expect(reply.wwwAuthenticate).to.equal('Bearer realm="api"');
    expect(reply.body).to.deep.equal({ name: 'UnauthorizedError', message: 'No token provided.', code: 'missing_token' });
  });

  it('invalid token shows nothing from the token', async function () {
    const kid = context.issuerA.keys[0].kid;
    const token = await context.tokenA({ aud: 'api://secret-audience', sub: 'secret-subject', email: 'jane@example.com' });
    for (const app of [context.guarded, context.unguarded]) {
      const reply = await get(`${app.baseUrl}/any-token`, { token });
      expect(reply.status).to.equal(401);
      expect(reply.wwwAuthenticate).to.equal('Bearer realm="api", error="invalid_token", error_description="Token is invalid."');
      expectNothingLeaked(reply, [token, kid, 'secret-audience', 'secret-subject', 'jane@example.com', context.issuerA.issuer, AUDIENCE_A]);
    }
  });
});
