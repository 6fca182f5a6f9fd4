import { expect } from 'chai';

import { StoreGuard } from '../src/cache/store-guard.js';
import { CountingLogger } from './support/counting-logger.js';
import { ManualClock } from './support/unit/manual-clock.js';

const FAILED = 'Token cache store failed; verifying tokens without it until it recovers';
const RECOVERED = 'Token cache store recovered';
const RETRY_AFTER_MS = 5000;

function failing(): never {
  throw new Error('connection refused');
}

/** An operation that counts its calls and returns what the test set, or throws while `down`. */
class FlakyOperation {
  calls = 0;
  down = false;

  readonly run = (): string => {
    this.calls += 1;
    if (this.down) {
      throw new Error('connection refused');
    }
    return 'stored value';
  };
}

describe('StoreGuard', function () {
  let clock: ManualClock;
  let logger: CountingLogger;
  let guard: StoreGuard;

  beforeEach(function () {
    clock = new ManualClock(1_700_000_000_000);
    logger = new CountingLogger();
    guard = new StoreGuard({ timeoutMs: 1000, retryAfterMs: RETRY_AFTER_MS }, clock, logger);
  });

  function warnings(): string[] {
    return logger.lines.filter((line) => line.level === 'warn').map((line) => line.message);
  }

  it('returns result of sync operation', async function () {
    expect(await guard.run(() => 42)).to.equal(42);
  });

  it('returns result of async operation', async function () {
    expect(await guard.run(async () => ['a', 'b'])).to.deep.equal(['a', 'b']);
  });

  it('success logs nothing', async function () {
    await guard.run(() => 1);
    expect(logger.lines).to.deep.equal([]);
  });

  it('throwing operation yields undefined', async function () {
    expect(await guard.run(failing)).to.equal(undefined);
  });

  it('rejecting operation yields undefined', async function () {
    expect(await guard.run(() => Promise.reject(new Error('connection refused')))).to.equal(undefined);
  });

  it('failure logs one warning with reason', async function () {
    await guard.run(failing);
    expect(warnings()).to.deep.equal([FAILED]);
    expect(logger.lines[0].meta).to.deep.equal({ reason: 'connection refused' });
  });

  it('failure reason of non-error is its string', async function () {
    await guard.run(() => Promise.reject('socket closed'));
    expect(logger.lines[0].meta).to.deep.equal({ reason: 'socket closed' });
  });

  it('skips operations during retry period', async function () {
    const operation = new FlakyOperation();
    operation.down = true;
    await guard.run(operation.run);

    clock.advance(RETRY_AFTER_MS - 1);
    const result = await guard.run(operation.run);

    expect(result).to.equal(undefined);
    expect(operation.calls, 'operation calls').to.equal(1);
  });

  it('skips healthy store during retry period', async function () {
    await guard.run(failing);
    const operation = new FlakyOperation();

    const result = await guard.run(operation.run);

    expect(result).to.equal(undefined);
    expect(operation.calls, 'operation calls').to.equal(0);
  });

  it('tries store again after retryAfterMs', async function () {
    await guard.run(failing);
    const operation = new FlakyOperation();

    clock.advance(RETRY_AFTER_MS);
    const result = await guard.run(operation.run);

    expect(result).to.equal('stored value');
    expect(operation.calls, 'operation calls').to.equal(1);
  });

  it('repeated failures in one outage log once', async function () {
    const operation = new FlakyOperation();
    operation.down = true;

    for (let attempt = 0; attempt < 4; attempt += 1) {
      await guard.run(operation.run);
      clock.advance(RETRY_AFTER_MS);
    }

    expect(operation.calls, 'operation calls').to.equal(4);
    expect(warnings()).to.deep.equal([FAILED]);
  });

  it('failure during retry extends skip period', async function () {
    const operation = new FlakyOperation();
    operation.down = true;
    await guard.run(operation.run);
    clock.advance(RETRY_AFTER_MS);
    await guard.run(operation.run);

    operation.down = false;
    clock.advance(RETRY_AFTER_MS - 1);
    await guard.run(operation.run);

    expect(operation.calls, 'operation calls').to.equal(2);
  });

  it('recovery logs once', async function () {
    const operation = new FlakyOperation();
    operation.down = true;
    await guard.run(operation.run);

    operation.down = false;
    clock.advance(RETRY_AFTER_MS);
    await guard.run(operation.run);
    await guard.run(operation.run);

    expect(warnings()).to.deep.equal([FAILED, RECOVERED]);
  });

  it('new outage after recovery logs again', async function () {
    const operation = new FlakyOperation();
    operation.down = true;
    await guard.run(operation.run);
    clock.advance(RETRY_AFTER_MS);
    operation.down = false;
    await guard.run(operation.run);

    operation.down = true;
    await guard.run(operation.run);

    expect(warnings()).to.deep.equal([FAILED, RECOVERED, FAILED]);
  });

  describe('with hanging operation', function () {
    beforeEach(function () {
      guard = new StoreGuard({ timeoutMs: 50, retryAfterMs: RETRY_AFTER_MS }, clock, logger);
    });

    it('yields undefined after timeout', async function () {
      const result = await guard.run(() => new Promise(() => undefined));
      expect(result).to.equal(undefined);
    });

    it('timeout logs warning naming limit', async function () {
      await guard.run(() => new Promise(() => undefined));
      expect(warnings()).to.deep.equal([FAILED]);
      expect(logger.lines[0].meta).to.deep.equal({ reason: 'The token cache store did not answer within 50 ms.' });
    });

    it('timeout skips store during retry period', async function () {
      await guard.run(() => new Promise(() => undefined));
      const operation = new FlakyOperation();

      await guard.run(operation.run);

      expect(operation.calls, 'operation calls').to.equal(0);
    });

    it('answer within limit is returned', async function () {
      const result = await guard.run(() => new Promise((resolve) => setTimeout(() => resolve('late but in time'), 5)));
      expect(result).to.equal('late but in time');
    });
  });
});
