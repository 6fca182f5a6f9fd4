import { expect } from 'chai';

import { DocumentLoadError, fetchJson, type FetchLimits } from '../src/discovery/fetch-json.js';
import { DocumentServer } from './support/unit/document-server.js';
import { rejectionOf } from './support/unit/rejection.js';

const LIMITS: FetchLimits = { timeoutMs: 2_000, maxBytes: 1_024 };

async function loadError(url: string, limits: FetchLimits = LIMITS): Promise<DocumentLoadError> {
  const error = await rejectionOf(fetchJson(url, limits));
  expect(error).to.be.instanceOf(DocumentLoadError);
  expect((error as DocumentLoadError).code).to.equal('ERR_OIDC_DOCUMENT_LOAD');
  return error as DocumentLoadError;
}

describe('fetchJson', () => {
  let server: DocumentServer;

  beforeEach(async () => {
    server = await DocumentServer.start();
  });

  afterEach(async () => {
    await server.close();
  });

  describe('successful responses', () => {
    it('parses JSON object', async () => {
      server.serveJson('/doc', { issuer: 'https://login.example.com', keys: [1, 2] });

      expect(await fetchJson(server.url('/doc'), LIMITS)).to.deep.equal({
        issuer: 'https://login.example.com',
        keys: [1, 2],
      });
    });

    it('parses JSON array', async () => {
      server.serveJson('/doc', [1, 'two']);

      expect(await fetchJson(server.url('/doc'), LIMITS)).to.deep.equal([1, 'two']);
    });

    it('sends JSON accept header', async () => {
      let accept: string | undefined;
      server.route('/doc', (request, response) => {
        accept = request.headers.accept;
        response.end('{}');
      });

      await fetchJson(server.url('/doc'), LIMITS);

      expect(accept).to.equal('application/json');
    });

    it('ignores content type', async () => {
      server.route('/doc', (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('{"ok":true}');
      });

      expect(await fetchJson(server.url('/doc'), LIMITS)).to.deep.equal({ ok: true });
    });

    it('accepts body of exactly maxBytes', async () => {
      const body = JSON.stringify({ padding: 'x'.repeat(LIMITS.maxBytes - 14) });
      expect(Buffer.byteLength(body)).to.equal(LIMITS.maxBytes);
      server.route('/doc', (_request, response) => response.end(body));

      expect(await fetchJson(server.url('/doc'), LIMITS)).to.deep.equal(JSON.parse(body));
    });

    it('accepts chunked body under maxBytes', async () => {
      server.route('/doc', (_request, response) => {
        response.write('{"a":');
        response.write('"b"}');
        response.end();
      });

      expect(await fetchJson(server.url('/doc'), LIMITS)).to.deep.equal({ a: 'b' });
    });

    it('decodes UTF-8 split across chunks', async () => {
      const bytes = Buffer.from('{"name":"Zoë"}', 'utf8');
      const split = bytes.indexOf(0xc3) + 1;
      server.route('/doc', (_request, response) => {
        response.write(bytes.subarray(0, split));
        setTimeout(() => response.end(bytes.subarray(split)), 10);
      });

      expect(await fetchJson(server.url('/doc'), LIMITS)).to.deep.equal({ name: 'Zoë' });
    });
  });

  describe('rejected responses', () => {
    for (const status of [201, 204, 404, 500, 503]) {
      it(`rejects status ${status}`, async () => {
        server.route('/doc', (_request, response) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(status === 204 ? undefined : '{}');
        });

        expect((await loadError(server.url('/doc'))).message).to.include(`status ${status}`);
      });
    }

    it('names URL in message', async () => {
      expect((await loadError(server.url('/missing'))).message).to.include(server.url('/missing'));
    });

    it('rejects HTML body', async () => {
      server.route('/doc', (_request, response) => response.end('<html>login</html>'));

      expect((await loadError(server.url('/doc'))).message).to.match(/not valid JSON/);
    });

    it('rejects empty body', async () => {
      server.route('/doc', (_request, response) => response.end());

      expect((await loadError(server.url('/doc'))).message).to.match(/not valid JSON/);
    });

    it('rejects truncated JSON', async () => {
      server.route('/doc', (_request, response) => response.end('{"keys":['));

      expect((await loadError(server.url('/doc'))).message).to.match(/not valid JSON/);
    });

    it('rejects body over maxBytes with content-length', async () => {
      let declared: string | number | undefined;
      server.route('/doc', (_request, response) => {
        response.setHeader('content-length', LIMITS.maxBytes + 1);
        declared = response.getHeader('content-length') as number;
        response.end(`"${'x'.repeat(LIMITS.maxBytes - 1)}"`);
      });

      const error = await loadError(server.url('/doc'));

      expect(declared).to.equal(LIMITS.maxBytes + 1);
      expect(error.message).to.match(/larger than 1024 bytes/);
    });

    it('rejects declared length before reading', async () => {
      server.route('/doc', (_request, response) => {
        response.writeHead(200, { 'content-length': 1_000_000 });
        response.write('{"keys":');
      });
      const started = Date.now();

      const error = await loadError(server.url('/doc'));

      expect(error.message).to.match(/larger than 1024 bytes/);
      expect(Date.now() - started).to.be.lessThan(LIMITS.timeoutMs);
    });

    it('rejects chunked body over maxBytes', async () => {
      let chunked = false;
      server.route('/doc', (_request, response) => {
        response.write(`"${'x'.repeat(600)}`);
        response.end(`${'x'.repeat(600)}"`);
        chunked = response.getHeader('content-length') === undefined;
      });

      const error = await loadError(server.url('/doc'));

      expect(chunked).to.equal(true);
      expect(error.message).to.match(/larger than 1024 bytes/);
    });

    it('stops reading endless chunked body', async () => {
      let stopped = false;
      server.route('/doc', (_request, response) => {
        const timer = setInterval(() => response.write('x'.repeat(512)), 1);
        response.on('close', () => {
          clearInterval(timer);
          stopped = true;
        });
      });

      const error = await loadError(server.url('/doc'));
      await new Promise((resolve) => setTimeout(resolve, 50));

      expect(error.message).to.match(/larger than 1024 bytes/);
      expect(stopped).to.equal(true);
    });
  });

  describe('redirects', () => {
    for (const status of [301, 302, 307, 308]) {
      it(`does not follow ${status}`, async () => {
        server.serveJson('/target', { redirected: true });
        server.route('/doc', (_request, response) => {
          response.writeHead(status, { location: server.url('/target') });
          response.end();
        });

        await loadError(server.url('/doc'));

        expect(server.count('/target')).to.equal(0);
      });
    }
  });

  describe('timeouts', () => {
    it('rejects server that never answers', async () => {
      server.route('/doc', () => undefined);
      const started = Date.now();

      const error = await loadError(server.url('/doc'), { ...LIMITS, timeoutMs: 200 });

      expect(error.message).to.match(/failed/);
      expect(Date.now() - started).to.be.lessThan(LIMITS.timeoutMs);
    });

    it('rejects body that stalls', async () => {
      server.route('/doc', (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"keys":');
      });
      const started = Date.now();

      const error = await loadError(server.url('/doc'), { ...LIMITS, timeoutMs: 200 });

      expect(error.message).to.match(/failed/);
      expect(Date.now() - started).to.be.lessThan(LIMITS.timeoutMs);
    });
  });

  describe('network errors', () => {
    it('rejects dropped connection', async () => {
      server.route('/doc', (request) => request.socket.destroy());

      expect((await loadError(server.url('/doc'))).message).to.match(/failed/);
    });
  });
});
