import { expect } from 'chai';
import Keyv from 'keyv';

import { LruMap } from '../src/cache/lru-map.js';

function filled(maxSize: number, keys: string[]): LruMap<string, number> {
  const map = new LruMap<string, number>(maxSize);
  keys.forEach((key, index) => map.set(key, index));
  return map;
}

describe('LruMap', function () {
  it('keeps at most maxSize entries', function () {
    const map = filled(2, ['a', 'b', 'c', 'd']);
    expect(map.size).to.equal(2);
  });

  it('evicts least recently used entry', function () {
    const map = filled(2, ['a', 'b', 'c']);
    expect([...map.keys()]).to.deep.equal(['b', 'c']);
  });

  it('keeps entry refreshed by get', function () {
    const map = filled(2, ['a', 'b']);
    expect(map.get('a')).to.equal(0);

    map.set('c', 2);

    expect(map.has('a'), 'a was read last').to.equal(true);
    expect(map.has('b'), 'b was least recently used').to.equal(false);
  });

  it('overwrite keeps size and updates value', function () {
    const map = filled(2, ['a', 'b']);

    map.set('a', 10);

    expect(map.size).to.equal(2);
    expect(map.get('a')).to.equal(10);
    expect(map.get('b')).to.equal(1);
  });

  it('overwrite refreshes recency', function () {
    const map = filled(2, ['a', 'b']);

    map.set('a', 10);
    map.set('c', 2);

    expect(map.has('a'), 'a was written last').to.equal(true);
    expect(map.has('b'), 'b was least recently used').to.equal(false);
  });

  it('get of missing key adds nothing', function () {
    const map = filled(2, ['a']);
    expect(map.get('missing')).to.equal(undefined);
    expect(map.size).to.equal(1);
  });

  it('get refreshes stored undefined', function () {
    const map = new LruMap<string, number | undefined>(2);
    map.set('a', undefined);
    map.set('b', 1);

    expect(map.get('a')).to.equal(undefined);
    map.set('c', 2);

    expect(map.has('a'), 'a was read last').to.equal(true);
    expect(map.has('b'), 'b was least recently used').to.equal(false);
  });

  it('maxSize of one keeps the last entry', function () {
    const map = filled(1, ['a', 'b']);
    expect([...map.entries()]).to.deep.equal([['b', 1]]);
  });

  describe('version', function () {
    it('stays the same across reads', function () {
      const map = filled(2, ['a', 'b']);
      const before = map.version;

      map.get('a');
      map.get('missing');
      map.has('b');
      [...map.entries()];

      expect(map.version).to.equal(before);
    });

    it('changes on set, delete and clear', function () {
      const map = filled(2, ['a']);
      const seen = [map.version];

      map.set('a', 5);
      seen.push(map.version);
      map.delete('missing');
      seen.push(map.version);
      map.delete('a');
      seen.push(map.version);
      map.clear();
      seen.push(map.version);

      expect(new Set(seen).size, `versions ${seen.join(', ')}`).to.equal(5);
    });

    it('changes when Keyv writes, deletes or clears', async function () {
      const map = new LruMap<string, unknown>(2);
      const keyv = new Keyv({ store: map });
      const seen = [map.version];

      await keyv.set('a', 1);
      seen.push(map.version);
      await keyv.delete('a');
      seen.push(map.version);
      await keyv.clear();
      seen.push(map.version);

      expect(new Set(seen).size, `versions ${seen.join(', ')}`).to.equal(4);
    });
  });

  describe('as Keyv store', function () {
    it('evicts beyond maxSize', async function () {
      const keyv = new Keyv({ store: new LruMap(2) });

      await keyv.set('a', 'first');
      await keyv.set('b', 'second');
      await keyv.set('c', 'third');

      expect(await keyv.get('a')).to.equal(undefined);
      expect(await keyv.get('b')).to.equal('second');
      expect(await keyv.get('c')).to.equal('third');
    });

    it('Keyv get refreshes recency', async function () {
      const keyv = new Keyv({ store: new LruMap(2) });
      await keyv.set('a', 'first');
      await keyv.set('b', 'second');

      expect(await keyv.get('a')).to.equal('first');
      await keyv.set('c', 'third');

      expect(await keyv.get('a'), 'a was read last').to.equal('first');
      expect(await keyv.get('b'), 'b was least recently used').to.equal(undefined);
    });

    it('lists entries through Keyv iterator', async function () {
      const keyv = new Keyv({ store: new LruMap(3), namespace: 'lru' });
      await keyv.set('a', 1);
      await keyv.set('b', 2);
      expect(keyv.iterator).to.be.a('function');

      const entries: Array<[string, unknown]> = [];
      for await (const [key, value] of keyv.iterator!(undefined)) {
        entries.push([String(key), value]);
      }

      expect(entries).to.deep.equal([
        ['a', 1],
        ['b', 2],
      ]);
    });
  });
});
