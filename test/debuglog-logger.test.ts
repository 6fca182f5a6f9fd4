import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { expect } from 'chai';

const LOGGER_MODULE = path.join(__dirname, '..', 'src', 'logging', 'debuglog-logger.js');

function runWithNodeDebug(nodeDebug: string): string {
  const script = [
    `const { DebuglogLogger } = require(${JSON.stringify(LOGGER_MODULE)});`,
    'const logger = new DebuglogLogger();',
    "logger.debug('hello', { sub: 'user-1' });",
    "logger.warn('careful');",
  ].join('\n');
  const result = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, NODE_DEBUG: nodeDebug }, encoding: 'utf8' });
  return result.stderr;
}

describe('DebuglogLogger', function () {
  it('writes to stderr when NODE_DEBUG names the package', function () {
    const output = runWithNodeDebug('routing-controllers-oidc');
    expect(output).to.contain('ROUTING-CONTROLLERS-OIDC');
    expect(output).to.contain('hello {"sub":"user-1"}');
    expect(output).to.contain('warning: careful');
  });

  it('writes nothing without NODE_DEBUG', function () {
    expect(runWithNodeDebug('')).to.equal('');
  });
});
