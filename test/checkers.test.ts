import { expect } from 'chai';
import type { Action } from 'routing-controllers';
import { Container } from 'typedi';

import { authorizationChecker, currentUserChecker, OIDC_AUTH } from '../src/index.js';
import { errorThrownBy } from './support/unit/rejection.js';

const ACTION = { request: { headers: {}, rawHeaders: [] }, response: {} } as unknown as Action;

describe('checkers', function () {
  let configured: unknown;

  before(function () {
    configured = Container.has(OIDC_AUTH) ? Container.get(OIDC_AUTH) : undefined;
    Container.remove(OIDC_AUTH);
  });

  after(function () {
    if (configured !== undefined) {
      Container.set(OIDC_AUTH, configured);
    }
  });

  it('name the missing configuration', function () {
    for (const [name, check] of [
      ['authorizationChecker', () => authorizationChecker(ACTION, [])],
      ['currentUserChecker', () => currentUserChecker(ACTION)],
    ] as const) {
      const error = errorThrownBy(check);
      expect(error, name).to.be.instanceOf(Error);
      expect((error as Error).message, name).to.equal('routing-controllers-oidc is not configured: call configureOidcAuth() before serving requests.');
    }
  });
});
