import { execFile } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { formatCurlCommands } from '../example/example-requests.js';

const MAIN_SCRIPT = path.join(__dirname, '..', 'example', 'main.js');

interface ScriptResult {
  exitCode: number | null;
  output: string;
}

/** An example request: its expected status, its path and the name of the token it sends. */
interface ExpectedRequest {
  status: number;
  path: string;
  token: string;
}

/** A row of the `--check` table. */
interface CheckRow extends ExpectedRequest {
  actual: number;
}

const NO_TOKEN = 'no token';

// Written out here, apart from the example's own list, so that a request dropped from the
// example or a changed status fails a test.
const EXPECTED_REQUESTS: ExpectedRequest[] = [
  { status: 200, path: '/public', token: NO_TOKEN },
  { status: 200, path: '/me', token: 'VIEWER_TOKEN' },
  { status: 200, path: '/admin', token: 'ADMIN_TOKEN' },
  { status: 403, path: '/admin', token: 'VIEWER_TOKEN' },
  { status: 401, path: '/admin', token: NO_TOKEN },
  { status: 200, path: '/reports', token: 'ADMIN_TOKEN' },
  { status: 403, path: '/reports', token: 'VIEWER_TOKEN' },
  { status: 200, path: '/editorial', token: 'ADMIN_TOKEN' },
  { status: 403, path: '/editorial', token: 'VIEWER_TOKEN' },
  { status: 200, path: '/me', token: 'PARTNER_TOKEN' },
  { status: 200, path: '/admin', token: 'PARTNER_TOKEN' },
  { status: 401, path: '/me', token: 'PARTNER_WRONG_AUD_TOKEN' },
  { status: 403, path: '/admin', token: 'PARTNER_ROLES_CLAIM_TOKEN' },
];

const TOKEN_NAMES = ['ADMIN_TOKEN', 'VIEWER_TOKEN', 'PARTNER_TOKEN', 'PARTNER_WRONG_AUD_TOKEN', 'PARTNER_ROLES_CLAIM_TOKEN'];

/** Runs the compiled example with `args` and collects its exit code and combined output. */
function runExample(args: string[]): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN_SCRIPT, ...args], { timeout: 25_000 }, (error, stdout, stderr) => {
      let exitCode: number | null = 0;
      if (error) {
        // A killed process (for example on timeout) has no exit code.
        exitCode = typeof error.code === 'number' ? error.code : null;
      }
      resolve({ exitCode, output: `${stdout}${stderr}` });
    });
  });
}

/** Parses the `expected actual path token` rows that `--check` prints, whose columns are at least two spaces apart. */
function parseCheckTable(output: string): CheckRow[] {
  const rows = output.split('\n').map((line) => line.trim().split(/\s{2,}/));
  return rows
    .filter((cells) => cells.length === 4 && /^\d{3}$/.test(cells[0]))
    .map(([status, actual, requestPath, token]) => ({ status: Number(status), actual: Number(actual), path: requestPath, token }));
}

/** Parses a printed curl line into the request it sends and the status it expects. */
function parseCurlLine(line: string): ExpectedRequest {
  const match = /^curl -i(?: -H "Authorization: Bearer \$(\w+)")? http:\/\/[^/]+(\/\S*)\s+# expect (\d{3})$/.exec(line);
  expect(match, `unexpected curl line: ${line}`).to.not.equal(null);
  const [, token, requestPath, status] = match as RegExpExecArray;
  return { status: Number(status), path: requestPath, token: token ?? NO_TOKEN };
}

for (const { framework, args } of [
  { framework: 'Koa', args: ['--check'] },
  { framework: 'Express', args: ['--check', '--express'] },
]) {
  describe(`example --check on ${framework}`, function () {
    this.timeout(30_000);
    let result: ScriptResult;
    let rows: CheckRow[];

    before(async () => {
      result = await runExample(args);
      rows = parseCheckTable(result.output);
    });

    it('exits with 0', () => {
      expect(result.exitCode, result.output).to.equal(0);
    });

    it('sends every expected request', () => {
      const sent = rows.map(({ status, path: requestPath, token }) => ({ status, path: requestPath, token }));
      expect(sent, result.output).to.deep.equal(EXPECTED_REQUESTS);
    });

    for (const request of EXPECTED_REQUESTS) {
      it(`${request.path} with ${request.token} gets ${request.status}`, () => {
        const row = rows.find((candidate) => candidate.path === request.path && candidate.token === request.token);
        expect(row, result.output).to.not.equal(undefined);
        expect(row?.actual, result.output).to.equal(request.status);
      });
    }
  });
}

describe('example curl lines', () => {
  const tokens = new Map(TOKEN_NAMES.map((name) => [name, `${name.toLowerCase()}-value`]));
  const lines = formatCurlCommands('http://127.0.0.1:41234', tokens);

  it('exports every token', () => {
    for (const name of TOKEN_NAMES) {
      expect(lines).to.include(`export ${name}='${name.toLowerCase()}-value'`);
    }
  });

  it('lists every request with its status', () => {
    const requests = lines.filter((line) => line.startsWith('curl ')).map(parseCurlLine);
    expect(requests).to.deep.equal(EXPECTED_REQUESTS);
  });
});
