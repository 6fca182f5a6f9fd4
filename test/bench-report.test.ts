import { expect } from 'chai';

import type { ColdStartResult } from '../bench/cold-start.js';
import type { LoadSample } from '../bench/load.js';
import type { MemoryResult } from '../bench/memory.js';
import { evaluateTargets, median, pairedRatio, summarise } from '../bench/report.js';
import { ROWS } from '../bench/rows.js';

// A sample whose server CPU per request is what one core serving `requestsPerSecond` would spend.
function sample(requestsPerSecond: number): LoadSample {
  return { requestsPerSecond, p99Ms: 1, requests: requestsPerSecond * 5, serverCpuMicrosPerRequest: 1_000_000 / requestsPerSecond, non2xx: 0, errors: 0 };
}

const rps = (value: LoadSample): number => value.requestsPerSecond;

const COLD_START: ColdStartResult = {
  requests: 500,
  ok: 500,
  failed: 0,
  elapsedMs: 100,
  providers: [{ discoveryUrl: 'http://127.0.0.1:1/.well-known/openid-configuration', discoveryFetches: 1, jwksFetches: 1 }],
};
const MEMORY: MemoryResult = {
  tokens: 1_000_000,
  elapsedMs: 1000,
  heapUsedBefore: 0,
  heapUsedWhenFull: 0,
  heapUsedAfter: 0,
  cachedEntries: 1000,
  firstTokenEvicted: true,
  lastTokenCached: true,
};

// Every row at `base` requests per second in each round, with the rows in `overrides` replaced.
function roundsOf(base: number[], overrides: Record<string, number[]>): Map<string, LoadSample[]> {
  return new Map(ROWS.map((row) => [row.id, (overrides[row.id] ?? base).map(sample)]));
}

describe('median', () => {
  it('takes middle of odd count', () => {
    expect(median([3, 1, 2])).to.equal(2);
  });

  it('averages middle two of even count', () => {
    expect(median([4, 1, 3, 2])).to.equal(2.5);
  });
});

describe('pairedRatio', () => {
  it('divides within each round', () => {
    // The machine ran four times faster in the second round, for both rows.
    const row = [9, 36, 11].map(sample);
    const reference = [10, 40, 10].map(sample);

    expect(pairedRatio(row, reference, rps)).to.be.closeTo(0.9, 1e-9);
    expect(median(row.map(rps)) / median(reference.map(rps)), 'ratio of medians').to.be.closeTo(1.1, 1e-9);
  });

  it('rejects rounds that do not pair', () => {
    expect(() => pairedRatio([sample(1)], [sample(1), sample(2)], rps)).to.throw(/Cannot pair 1 samples with 2 reference samples/);
  });
});

describe('summarise', () => {
  it('pairs ratio with ceiling round', () => {
    const summaries = summarise(ROWS, roundsOf([100, 400, 100], { '2': [90, 360, 110] }));
    const find = (id: string) => summaries.find((summary) => summary.id === id)!;

    expect(find('2').ratioToCeiling).to.be.closeTo(0.9, 1e-9);
    expect(find('2').requestsPerSecond, 'median').to.equal(110);
    expect(find('1').ratioToCeiling, 'ceiling').to.equal(1);
  });

  it('divides Express rows by Express ceiling', () => {
    const summaries = summarise(ROWS, roundsOf([100, 100, 100], { '7': [30, 30, 30], '7b': [60, 60, 60] }));

    expect(summaries.find((summary) => summary.id === '7')!.ratioToCeiling).to.equal(0.5);
  });
});

describe('evaluateTargets', () => {
  function targetOf(samples: Map<string, LoadSample[]>, prefix: string): string {
    const target = evaluateTargets(summarise(ROWS, samples), COLD_START, MEMORY, true).find((candidate) => candidate.description.startsWith(prefix))!;
    return `${target.status} ${target.measured}`;
  }

  it('passes row 3 by paired rounds', () => {
    // Row 3's third round ran slower than row 5's: the ratio of medians would be 100 / 120.
    const samples = roundsOf([100, 100, 100], { '3': [96, 288, 100], '5': [100, 300, 120] });

    expect(targetOf(samples, 'row 3 >= 0.95 x row 5')).to.equal('PASS 0.96 x (rounds from 0.83 to 0.96; inverse ratio of server CPU per request: 0.96 x)');
  });

  it('misses row 3 below target', () => {
    const samples = roundsOf([100, 100, 100], { '3': [94, 94, 94], '5': [100, 100, 100] });

    expect(targetOf(samples, 'row 3 >= 0.95 x row 5')).to.match(/^MISS 0\.94 x/);
  });

  it('shows row 4 beside its floors', () => {
    const samples = roundsOf([100, 100, 100], { '4': [45, 50, 55], '4b': [60, 60, 60], '4c': [55, 55, 55] });

    expect(targetOf(samples, 'row 4 >= 0.60 x row 1')).to.equal(
      'MISS 0.50 x (rounds from 0.45 to 0.55; inverse ratio of server CPU per request: 0.50 x; its floors: row 4b 0.60 x row 1, row 4c 0.55 x row 1; row 4 is 0.83 x row 4b and 0.91 x row 4c)',
    );
  });

  it('leaves throughput unjudged in small run', () => {
    const targets = evaluateTargets(summarise(ROWS, roundsOf([100], { '3': [50] })), COLD_START, { ...MEMORY, tokens: 20_000 }, false);

    expect(targets.map((target) => target.status)).to.deep.equal(['N/A', 'N/A', 'N/A', 'N/A', 'N/A', 'PASS', 'N/A']);
  });

  it('misses cold start with two fetches', () => {
    const coldStart = { ...COLD_START, providers: [{ ...COLD_START.providers[0], jwksFetches: 2 }] };
    const target = evaluateTargets(summarise(ROWS, roundsOf([1, 1, 1], {})), coldStart, MEMORY, true).find((candidate) => candidate.description.startsWith('cold start'))!;

    expect(target.status).to.equal('MISS');
  });
});
