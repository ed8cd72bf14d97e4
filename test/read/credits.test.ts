import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreditLedger, type CreditAccount } from '../../src/read/credits.js';

function harness(budget: number, share: number) {
  const ledger = new CreditLedger(budget, share);
  const granted = new Map<number, number>();
  const accounts = new Map<number, CreditAccount>();
  const open = (s: number) => {
    const account = ledger.open((bytes) => granted.set(s, granted.get(s)! + bytes));
    granted.set(s, account.granted);
    accounts.set(s, account);
  };
  const of = (s: number) => accounts.get(s)!;
  return { ledger, granted, open, of };
}

test('streams start with a share of the budget, and no more than the budget in all', () => {
  const { granted, open } = harness(1000, 400);
  open(0);
  open(1);
  open(2);
  assert.deepEqual([...granted.values()], [400, 400, 200]);
});

test('credit comes back only as the consumer takes batches', () => {
  const { ledger, granted, open, of } = harness(1000, 500);
  open(0);
  open(1);
  ledger.received(of(0), 500);
  ledger.received(of(1), 500);
  assert.equal(granted.get(0), 500, 'nothing new while the consumer holds everything');
  assert.equal(ledger.buffered(), 1000);
  ledger.consumed(of(0), 500);
  assert.equal(granted.get(0), 1000, 'stream 0 may send another share');
  assert.equal(granted.get(1), 500);
  assert.equal(ledger.peakBufferedBytes, 1000);
});

test('an overshooting batch is covered before the stream may send again', () => {
  const { ledger, granted, open, of } = harness(1000, 300);
  open(0);
  ledger.received(of(0), 700); // one batch larger than the 300 granted
  ledger.consumed(of(0), 700);
  const total = granted.get(0)!;
  assert.ok(total - 700 > 0, `worker's available credit is positive again (${total - 700})`);
  assert.ok(total - 700 <= 300, 'but never more than one share');
});

test('a finished stream returns its unused credit to the others', () => {
  const { ledger, granted, open, of } = harness(600, 300);
  open(0);
  open(1);
  open(2);
  assert.equal(granted.get(2), 0, 'the budget is all handed out');
  ledger.received(of(0), 100);
  ledger.close(of(0));
  assert.equal(granted.get(2), 200, 'the 200 stream 0 never used go on; its 100 buffered bytes still count');
  ledger.received(of(2), 200);
  ledger.consumed(of(0), 100);
  assert.equal(granted.get(2), 300, 'once consumed, they go on too');
});

test('a stream resubmitted after a worker death gets a fresh account while its old batches still count', () => {
  const { ledger, open, of } = harness(1000, 500);
  open(0);
  const dead = of(0);
  ledger.received(dead, 400);
  ledger.close(dead);
  open(0); // the same stream, on a fresh worker
  assert.equal(of(0).granted, 500, 'a full share: 400 buffered + 500 is within the budget');
  assert.equal(ledger.buffered(), 400);
  ledger.consumed(dead, 400);
  assert.equal(ledger.buffered(), 0);
});

test('a batch larger than the whole budget does not leave its stream without credit for ever', () => {
  const { ledger, granted, open, of } = harness(1000, 500);
  open(0);
  ledger.received(of(0), 2000); // one response twice the budget
  ledger.consumed(of(0), 2000);
  assert.ok(granted.get(0)! - 2000 > 0, `the worker may take another response (available ${granted.get(0)! - 2000})`);
});

test('the stream an ordered consumer waits on gets credit even when other streams\' batches fill the budget', () => {
  // Ordered delivery: the consumer takes only stream 0, while streams 1-3 each sent a batch larger
  // than their share that waits until stream 0 ends. Without credit stream 0 could never send its
  // next batch, and the read would wait for ever.
  const { ledger, granted, open, of } = harness(100_000, 25_000);
  for (const s of [0, 1, 2, 3]) open(s);
  for (const s of [1, 2, 3]) ledger.received(of(s), 110_000);
  ledger.received(of(0), 110_000);
  ledger.consumed(of(0), 110_000);
  assert.equal(granted.get(0), 25_000, 'in arrival order a stream does not run ahead while others\' batches fill the budget');
  ledger.await(of(0));
  assert.ok(granted.get(0)! - 110_000 > 0, `stream 0 may take another response (available ${granted.get(0)! - 110_000})`);
  for (const s of [1, 2, 3]) assert.equal(granted.get(s), 25_000, `stream ${s}, whose batch still waits, gets nothing more`);
  ledger.received(of(0), 110_000);
  const after = granted.get(0);
  ledger.consumed(of(0), 110_000);
  assert.ok(granted.get(0)! > after!, 'and again after each of its batches is taken');
});
