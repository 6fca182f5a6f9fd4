import { execFile } from 'node:child_process';
import path from 'node:path';

import { expect } from 'chai';

import { ROWS } from '../bench/rows.js';
import { requireRedis } from './support/redis.js';

interface HarnessRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

// The compiled harness beside this compiled test: build/bench/run.js.
const HARNESS = path.join(__dirname, '..', 'bench', 'run.js');

function runSmokeHarness(): Promise<HarnessRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [HARNESS, '--smoke'], { timeout: 55_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      let exitCode = 0;
      if (error !== null) {
        // A run killed by the timeout has a signal and no numeric code.
        exitCode = typeof error.code === 'number' ? error.code : -1;
      }
      resolve({ exitCode, stdout, stderr });
    });
  });
}

// Returns the cells of the table line of row `id`, or undefined when the table has no such line.
function tableCells(stdout: string, id: string): string[] | undefined {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(`| ${id} |`));
  return line?.split('|').map((cell) => cell.trim()).slice(1, -1);
}

describe('benchmark harness smoke run', function () {
  this.timeout(60_000);
  let run: HarnessRun;

  before(async function () {
    await requireRedis(this);
    run = await runSmokeHarness();
  });

  it('exits with code 0', () => {
    expect(run.exitCode, `stderr:\n${run.stderr}\nstdout:\n${run.stdout}`).to.equal(0);
  });

  it('lists every row with non-2xx 0', () => {
    for (const row of ROWS) {
      const cells = tableCells(run.stdout, row.id);
      expect(cells, `row ${row.id} missing from:\n${run.stdout}`).to.not.equal(undefined);
      expect(cells![1], `server of row ${row.id}`).to.equal(row.label);
      expect(Number(cells![2]), `requests/s of row ${row.id}`).to.be.above(0);
      expect(cells![5], `non-2xx of row ${row.id}`).to.equal('0');
      expect(cells![6], `connection errors of row ${row.id}`).to.equal('0');
    }
  });

  it('prints the cold-start and memory findings', () => {
    expect(run.stdout).to.match(/^Cold start: 500 concurrent first requests in \d+ ms, 500 answered 2xx, 0 did not\.$/m);
    expect(run.stdout).to.match(/^Memory: 20000 distinct tokens /m);
    expect(run.stdout).to.match(/^(PASS|MISS) cold start: /m);
  });
});
