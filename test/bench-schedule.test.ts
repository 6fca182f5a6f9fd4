import { expect } from 'chai';

import { ROWS } from '../bench/rows.js';
import { roundOrder, serverIndex, serversPerRow, startOrder } from '../bench/schedule.js';

const ids = (rows: readonly { id: string }[]): string[] => rows.map((row) => row.id);

describe('benchmark schedule', () => {
  it('gives two servers per row', () => {
    expect(serversPerRow(10)).to.equal(2);
    expect(serversPerRow(3)).to.equal(2);
  });

  it('gives one server to one round', () => {
    expect(serversPerRow(1)).to.equal(1);
  });

  it('starts second set in reverse', () => {
    expect(ids(startOrder(0))).to.deep.equal(ids(ROWS));
    expect(ids(startOrder(1))).to.deep.equal(ids(ROWS).reverse());
  });

  it('starts row 3 before row 5 once', () => {
    const before = [0, 1].filter((set) => ids(startOrder(set)).indexOf('3') < ids(startOrder(set)).indexOf('5'));

    expect(before).to.deep.equal([0]);
  });

  it('reverses every other round', () => {
    expect(ids(roundOrder(1))).to.deep.equal(ids(ROWS));
    expect(ids(roundOrder(2))).to.deep.equal(ids(ROWS).reverse());
    expect(ids(roundOrder(3))).to.deep.equal(ids(ROWS));
  });

  it('alternates servers by round', () => {
    const used = Array.from({ length: 10 }, (_, index) => serverIndex(index + 1, 2));

    expect(used).to.deep.equal([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  });

  it('uses only server of one-server row', () => {
    expect(serverIndex(1, 1)).to.equal(0);
    expect(serverIndex(4, 1)).to.equal(0);
  });
});
