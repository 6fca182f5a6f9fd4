import { expect } from 'chai';

import { checkDocumentUrl } from '../src/discovery/url-rules.js';

describe('checkDocumentUrl', () => {
  const accepted = [
    'https://login.example.com/.well-known/openid-configuration',
    'https://login.example.com:8443/keys?p=policy',
    'http://127.0.0.1/.well-known/openid-configuration',
    'http://127.0.0.1:8080/jwks',
    'http://[::1]:8080/jwks',
    'http://localhost:8080/jwks',
    'HTTPS://LOGIN.EXAMPLE.COM/keys',
  ];

  for (const url of accepted) {
    it(`accepts ${url}`, () => {
      expect(checkDocumentUrl(url)).to.equal(undefined);
    });
  }

  const insecure = [
    'http://login.example.com/jwks',
    'http://127.0.0.2/jwks',
    'http://0.0.0.0/jwks',
    'http://localhost.example.com/jwks',
    'http://127.0.0.1.example.com/jwks',
    'ftp://127.0.0.1/jwks',
    'file:///etc/jwks.json',
    'data:application/json,{}',
  ];

  for (const url of insecure) {
    it(`rejects ${url} as not https`, () => {
      expect(checkDocumentUrl(url)).to.match(/must use https/);
    });
  }

  const withCredentials = [
    'https://user:secret@login.example.com/jwks',
    'https://user@login.example.com/jwks',
    'https://:secret@login.example.com/jwks',
    'http://user:secret@127.0.0.1/jwks',
  ];

  for (const url of withCredentials) {
    it(`rejects credentials in ${url}`, () => {
      expect(checkDocumentUrl(url)).to.match(/user name or password/);
    });
  }

  it('rejects fragment', () => {
    expect(checkDocumentUrl('https://login.example.com/jwks#keys')).to.match(/fragment/);
  });

  const notUrls = ['', 'login.example.com/jwks', '/jwks', '//login.example.com/jwks', 'https://', 'not a url'];

  for (const value of notUrls) {
    it(`rejects non-URL ${JSON.stringify(value)}`, () => {
      expect(checkDocumentUrl(value)).to.match(/not an absolute URL/);
    });
  }
});
