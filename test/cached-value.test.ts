import { expect } from 'chai';

import { CachedValue } from '../src/discovery/cached-value.js';
import { ManualClock } from './support/unit/manual-clock.js';
import { rejectionOf } from './support/unit/rejection.js';

const TTL_MS = 60_000;

/** Returns a load function that resolves to `value-1`, `value-2`, ... and counts its calls. */
function countingLoad(): { load: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    load: () => {
      calls += 1;
      return Promise.resolve(`value-${calls}`);
    },
    calls: () => calls,
  };
}

/** Returns a load whose promise the test settles, so a load can stay in flight. */
function deferredLoad(): {
  load: () => Promise<string>;
  calls: () => number;
  resolve: (value: string) => void;
  reject: (error: Error) => void;
} {
  let calls = 0;
  let settle: { resolve: (value: string) => void; reject: (error: Error) => void } | undefined;
  return {
    load: () => {
      calls += 1;
      return new Promise<string>((resolve, reject) => {
        settle = { resolve, reject };
      });
    },
    calls: () => calls,
    resolve: (value) => settle?.resolve(value),
    reject: (error) => settle?.reject(error),
  };
}

describe('CachedValue', () => {
  let clock: ManualClock;

  beforeEach(() => {
    clock = new ManualClock(1_700_000_000_000);
  });

  describe('get', () => {
    it('loads on first call', async () => {
      const source = countingLoad();
      const cached = new CachedValue(source.load, TTL_MS, clock);

      expect(await cached.get()).to.equal('value-1');
      expect(source.calls()).to.equal(1);
    });

    it('loads at negative clock time', async () => {
      const source = countingLoad();
      const cached = new CachedValue(source.load, TTL_MS, new ManualClock(-1000));

      expect(await cached.get()).to.equal('value-1');
      expect(source.calls()).to.equal(1);
    });

    it('does not load before first call', () => {
      const source = countingLoad();
      new CachedValue(source.load, TTL_MS, clock);

      expect(source.calls()).to.equal(0);
    });

    it('keeps value within TTL', async () => {
      const source = countingLoad();
      const cached = new CachedValue(source.load, TTL_MS, clock);
      await cached.get();

      clock.advance(TTL_MS - 1);

      expect(await cached.get()).to.equal('value-1');
      expect(source.calls()).to.equal(1);
    });

    it('reloads when TTL ends', async () => {
      const source = countingLoad();
      const cached = new CachedValue(source.load, TTL_MS, clock);
      await cached.get();

      clock.advance(TTL_MS);

      expect(await cached.get()).to.equal('value-2');
      expect(source.calls()).to.equal(2);
    });

    it('keeps reloaded value for new TTL', async () => {
      const source = countingLoad();
      const cached = new CachedValue(source.load, TTL_MS, clock);
      await cached.get();
      clock.advance(TTL_MS + 5);
      await cached.get();

      clock.advance(TTL_MS - 1);

      expect(await cached.get()).to.equal('value-2');
      expect(source.calls()).to.equal(2);
    });

    it('counts TTL from end of load', async () => {
      const source = deferredLoad();
      const cached = new CachedValue(source.load, TTL_MS, clock);
      const first = cached.get();
      clock.advance(10_000);
      source.resolve('slow');
      await first;

      clock.advance(TTL_MS - 1);

      expect(await cached.get()).to.equal('slow');
      expect(source.calls()).to.equal(1);
    });

    it('shares one load between concurrent callers', async () => {
      const source = deferredLoad();
      const cached = new CachedValue(source.load, TTL_MS, clock);
      const callers = [cached.get(), cached.get(), cached.get()];

      source.resolve('shared');

      expect(await Promise.all(callers)).to.deep.equal(['shared', 'shared', 'shared']);
      expect(source.calls()).to.equal(1);
    });

    it('shares one reload after TTL', async () => {
      const source = countingLoad();
      const cached = new CachedValue(source.load, TTL_MS, clock);
      await cached.get();
      clock.advance(TTL_MS);

      const values = await Promise.all([cached.get(), cached.get()]);

      expect(values).to.deep.equal(['value-2', 'value-2']);
      expect(source.calls()).to.equal(2);
    });

    it('does not keep failed load', async () => {
      let calls = 0;
      const cached = new CachedValue(
        () => {
          calls += 1;
          return calls === 1 ? Promise.reject(new Error('network down')) : Promise.resolve('recovered');
        },
        TTL_MS,
        clock,
      );

      const error = await rejectionOf(cached.get());

      expect((error as Error).message).to.equal('network down');
      expect(await cached.get()).to.equal('recovered');
      expect(calls).to.equal(2);
    });

    it('rejects every concurrent caller of failed load', async () => {
      const source = deferredLoad();
      const cached = new CachedValue(source.load, TTL_MS, clock);
      const callers = [rejectionOf(cached.get()), rejectionOf(cached.get())];

      source.reject(new Error('network down'));
      const errors = (await Promise.all(callers)) as Error[];

      expect(errors.map((error) => error.message)).to.deep.equal(['network down', 'network down']);
      expect(source.calls()).to.equal(1);
    });

    it('keeps old value when reload fails', async () => {
      let calls = 0;
      const cached = new CachedValue(
        () => {
          calls += 1;
          return calls === 2 ? Promise.reject(new Error('network down')) : Promise.resolve(`value-${calls}`);
        },
        TTL_MS,
        clock,
      );
      await cached.get();

      await rejectionOf(cached.reload());

      expect(await cached.get()).to.equal('value-1');
      expect(calls).to.equal(2);
    });
  });

  describe('peek', () => {
    it('is undefined before first load', () => {
      const source = countingLoad();
      const cached = new CachedValue(source.load, TTL_MS, clock);

      expect(cached.peek()).to.equal(undefined);
      expect(source.calls(), 'loads').to.equal(0);
    });

    it('returns value within TTL', async () => {
      const cached = new CachedValue(countingLoad().load, TTL_MS, clock);
      await cached.get();

      clock.advance(TTL_MS - 1);

      expect(cached.peek()).to.equal('value-1');
    });

    it('is undefined when TTL ends, without loading', async () => {
      const source = countingLoad();
      const cached = new CachedValue(source.load, TTL_MS, clock);
      await cached.get();

      clock.advance(TTL_MS);

      expect(cached.peek()).to.equal(undefined);
      expect(source.calls(), 'loads').to.equal(1);
    });
  });

  describe('reload', () => {
    it('loads within TTL', async () => {
      const source = countingLoad();
      const cached = new CachedValue(source.load, TTL_MS, clock);
      await cached.get();

      expect(await cached.reload()).to.equal('value-2');
      expect(await cached.get()).to.equal('value-2');
    });

    it('joins load in flight', async () => {
      const source = deferredLoad();
      const cached = new CachedValue(source.load, TTL_MS, clock);
      const first = cached.get();
      const second = cached.reload();

      source.resolve('shared');

      expect(await Promise.all([first, second])).to.deep.equal(['shared', 'shared']);
      expect(source.calls()).to.equal(1);
    });
  });
});
