import { expect } from 'chai';

import { OptionsError, parseOptions } from '../bench/options.js';

const FOLDER = '/results';

function errorOf(argv: string[], env: NodeJS.ProcessEnv = {}): OptionsError {
  try {
    parseOptions(argv, env, FOLDER);
  } catch (error) {
    expect(error).to.be.instanceOf(OptionsError);
    return error as OptionsError;
  }
  throw new Error(`parseOptions accepted ${JSON.stringify(argv)} with ${JSON.stringify(env)}`);
}

describe('parseOptions', () => {
  it('uses full-run defaults', () => {
    const options = parseOptions([], {}, FOLDER);

    expect(options).to.deep.include({ smoke: false, duration: 3, warmup: 5, connections: 10, rounds: 10, memoryTokens: 1_000_000 });
    expect(options.output).to.equal('/results/latest.json');
  });

  it('uses smoke defaults', () => {
    const options = parseOptions(['--smoke'], {}, FOLDER);

    expect(options).to.deep.include({ smoke: true, duration: 1, warmup: 0.5, rounds: 1, memoryTokens: 20_000 });
    expect(options.output).to.equal('/results/smoke.json');
  });

  it('prefers command line over environment', () => {
    const options = parseOptions(['--rounds', '4'], { BENCH_ROUNDS: '7', BENCH_DURATION: '1.5' }, FOLDER);

    expect(options.rounds).to.equal(4);
    expect(options.duration).to.equal(1.5);
  });

  it('treats empty variable as unset', () => {
    expect(parseOptions([], { BENCH_ROUNDS: '' }, FOLDER).rounds).to.equal(10);
  });

  const rejected: Array<[string, string[], NodeJS.ProcessEnv, RegExp]> = [
    ['zero rounds', ['--rounds', '0'], {}, /Invalid rounds '0' from --rounds: expected a whole number from 1 to 50\./],
    ['fractional rounds', ['--rounds', '2.5'], {}, /Invalid rounds '2\.5' from --rounds: expected a whole number/],
    ['empty rounds', ['--rounds='], {}, /Invalid rounds '' from --rounds/],
    ['text duration', ['--duration', 'abc'], {}, /Invalid duration 'abc' from --duration: expected a number from 0\.5 to 600\./],
    ['hexadecimal duration', ['--duration', '0x10'], {}, /Invalid duration '0x10'/],
    ['blank warm-up', ['--warmup', ' '], {}, /Invalid warmup ' ' from --warmup/],
    ['too many connections', ['--connections', '5000'], {}, /Invalid connections '5000' from --connections: expected a whole number from 1 to 1000\./],
    ['negative variable', [], { BENCH_ROUNDS: '-1' }, /Invalid rounds '-1' from BENCH_ROUNDS/],
    ['negative warm-up', ['--warmup', '-1'], {}, /Invalid command line: Option '--warmup' argument is ambiguous/],
    ['unknown option', ['--bogus'], {}, /Invalid command line: Unknown option '--bogus'/],
    ['empty output', ['--output='], {}, /Invalid output '' from --output: expected a file path\./],
  ];
  for (const [label, argv, env, message] of rejected) {
    it(`rejects ${label}`, () => {
      const error = errorOf(argv, env);

      expect(error.message).to.match(message);
      expect(error.message, 'usage').to.include('Usage: node build/bench/run.js');
    });
  }
});
