import { execFile } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';

const MAIN_SCRIPT = path.join(__dirname, '..', 'example', 'main.js');

interface ScriptResult {
  exitCode: number | null;
  output: string;
}

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

describe('example --check', function () {
  this.timeout(30_000);

  it('passes on Koa', async () => {
    const result = await runExample(['--check']);
    expect(result.exitCode, result.output).to.equal(0);
  });

  it('passes on Express', async () => {
    const result = await runExample(['--check', '--express']);
    expect(result.exitCode, result.output).to.equal(0);
  });
});
