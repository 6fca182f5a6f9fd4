import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** The compiled build folder, for `require` in a child script: build/. */
export const BUILD = path.join(__dirname, '..', '..');

/**
 * Runs `setup`, the body of an async function, in a new Node process. Then it collects garbage and
 * returns whether a heap snapshot still contains the text of the Buffer that `setup` left in
 * `globalThis.needle`. A Buffer's bytes lie outside the JavaScript heap, so the needle cannot find
 * itself.
 *
 * @returns 'kept' when the snapshot contains the text, 'gone' when it does not.
 * @throws {Error} when the child writes to stderr, fails, or takes longer than 15 s.
 */
export function heapAfter(setup: string): 'kept' | 'gone' {
  const script = `
    const { getHeapSnapshot } = require('node:v8');
    (async () => {
      ${setup}
    })().then(() => {
      // RegExp.input keeps the last string any regular expression read.
      /a/.test('a');
      global.gc();
      const chunks = [];
      // The snapshot is taken at this call, before the needle becomes a string on the heap.
      getHeapSnapshot().on('data', (chunk) => chunks.push(chunk)).on('end', () => {
        console.log(Buffer.concat(chunks).toString().includes(globalThis.needle.toString()) ? 'kept' : 'gone');
        process.exit(0);
      });
    });`;
  const result = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', timeout: 15_000 });
  if (result.status !== 0 || result.stderr !== '') {
    throw new Error(`The heap check failed (status ${String(result.status)}): ${result.stderr}`, { cause: result.error });
  }
  return result.stdout.trim() === 'kept' ? 'kept' : 'gone';
}
