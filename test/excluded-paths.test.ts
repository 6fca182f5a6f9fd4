import { expect } from 'chai';

import { ExcludedPaths } from '../src/adapters/excluded-paths.js';

describe('ExcludedPaths', function () {
  const excluded = new ExcludedPaths(['/health', '/public/*']);

  it('matches an exact path', function () {
    expect(excluded.includes('/health')).to.equal(true);
    expect(excluded.includes('/health/')).to.equal(true);
    expect(excluded.includes('/HEALTH')).to.equal(true);
  });

  it('does not match below an exact path', function () {
    expect(excluded.includes('/health/details')).to.equal(false);
    expect(excluded.includes('/healthz')).to.equal(false);
  });

  it('matches a prefix on segment boundaries', function () {
    for (const path of ['/public', '/public/', '/public/docs', '/Public/a/b']) {
      expect(excluded.includes(path), path).to.equal(true);
    }
    for (const path of ['/publicity', '/public-admin', '/', '/admin']) {
      expect(excluded.includes(path), path).to.equal(false);
    }
  });

  it('excludes nothing when empty', function () {
    expect(new ExcludedPaths([]).includes('/')).to.equal(false);
  });
});
