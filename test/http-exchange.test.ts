import type { IncomingMessage } from 'node:http';

import { expect } from 'chai';

import { onlyAuthorizationLine } from '../src/adapters/http-exchange.js';

function requestWith(rawHeaders: string[]): IncomingMessage {
  return { rawHeaders } as unknown as IncomingMessage;
}

describe('onlyAuthorizationLine', function () {
  it('returns value of single line', function () {
    const request = requestWith(['Host', '127.0.0.1', 'Authorization', 'Bearer aaa.bbb.ccc', 'Accept', '*/*']);
    expect(onlyAuthorizationLine(request)).to.equal('Bearer aaa.bbb.ccc');
  });

  it('matches name in any case', function () {
    for (const name of ['authorization', 'AUTHORIZATION', 'aUtHoRiZaTiOn']) {
      expect(onlyAuthorizationLine(requestWith([name, 'Bearer x'])), name).to.equal('Bearer x');
    }
  });

  it('returns undefined without line', function () {
    expect(onlyAuthorizationLine(requestWith(['Host', '127.0.0.1', 'Cache-Control', 'no-cache']))).to.equal(undefined);
  });

  it('returns undefined for two lines', function () {
    const request = requestWith(['Authorization', 'Bearer x', 'authorization', 'Bearer x']);
    expect(onlyAuthorizationLine(request)).to.equal(undefined);
  });
});
