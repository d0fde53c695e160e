import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AsyncEventQueue } from '../src/events/queue.ts';

test('items pushed before and while reading arrive in order, then the end', async () => {
  const queue = new AsyncEventQueue<number>();
  queue.push(1);
  queue.push(2);
  const read = (async () => {
    const seen: number[] = [];
    for await (const item of queue) seen.push(item);
    return seen;
  })();
  await new Promise((resolve) => setImmediate(resolve));
  queue.push(3);
  queue.end();
  queue.push(4);
  assert.deepEqual(await read, [1, 2, 3]);
});

test('fail delivers the items first, then throws', async () => {
  const queue = new AsyncEventQueue<string>();
  queue.push('a');
  queue.fail(new Error('render thread exited'));
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const item of queue) seen.push(item);
  }, /render thread exited/);
  assert.deepEqual(seen, ['a']);
});

test('stopping early runs onClose once (unsubscribes)', async () => {
  let closed = 0;
  const queue = new AsyncEventQueue<number>(() => closed++);
  queue.push(1);
  queue.push(2);
  for await (const item of queue) {
    assert.equal(item, 1);
    break;
  }
  queue.end();
  assert.equal(closed, 1);
  assert.deepEqual(await queue.next(), { value: undefined, done: true });
});
