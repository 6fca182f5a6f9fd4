import { expect } from 'chai';

import { ROWS } from '../bench/rows.js';
import { roundOrder } from '../bench/schedule.js';

const ids = (rows: readonly { id: string }[]): string[] => rows.map((row) => row.id);

describe('benchmark schedule', () => {
  it('keeps row order in odd rounds', () => {
    expect(ids(roundOrder(1))).to.deep.equal(ids(ROWS));
    expect(ids(roundOrder(3))).to.deep.equal(ids(ROWS));
  });

  it('reverses rows in even rounds', () => {
    expect(ids(roundOrder(2))).to.deep.equal(ids(ROWS).reverse());
  });

  it('starts row 3 before row 5 in half', () => {
    const before = [1, 2, 3, 4].filter((round) => ids(roundOrder(round)).indexOf('3') < ids(roundOrder(round)).indexOf('5'));

    expect(before).to.deep.equal([1, 3]);
  });
});
