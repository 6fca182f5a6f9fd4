import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

// The compiled test lives in build/test, so the repository root is two folders up.
const ROOT = path.join(__dirname, '..', '..');

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' }).trim();
}

describe('package entry', function () {
  before(function () {
    if (!existsSync(path.join(ROOT, 'dist', 'index.js'))) {
      throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    }
  });

  it('loads with require', function () {
    const output = runNode(['-e', "const lib = require('routing-controllers-oidc'); console.log(typeof lib.configureOidcAuth, typeof lib.AuthMiddleware)"]);
    expect(output).to.equal('function function');
  });

  it('loads with import', function () {
    const script = "import { configureOidcAuth, getOidcUrls } from 'routing-controllers-oidc'; console.log(typeof configureOidcAuth, typeof getOidcUrls);";
    expect(runNode(['--input-type=module', '-e', script])).to.equal('function function');
  });

  it('gives import and require one copy', function () {
    const script = [
      "import { createRequire } from 'node:module';",
      "import { AuthMiddleware, OIDC_AUTH } from 'routing-controllers-oidc';",
      "const lib = createRequire(import.meta.url)('routing-controllers-oidc');",
      'console.log(lib.AuthMiddleware === AuthMiddleware && lib.OIDC_AUTH === OIDC_AUTH);',
    ].join('\n');
    expect(runNode(['--input-type=module', '-e', script])).to.equal('true');
  });

  it('ships type declarations for both', function () {
    expect(existsSync(path.join(ROOT, 'dist', 'index.d.ts'))).to.equal(true);
    expect(existsSync(path.join(ROOT, 'dist', 'index.d.mts'))).to.equal(true);
  });
});
