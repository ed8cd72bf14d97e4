// The Read API's generated message code (scripts/build-protos.ts -> dist/protos/bigquery-read.cjs).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { readApiTypes } from '../../src/protocol/protos.js';

const OBJECT_OPTIONS = { longs: String, enums: String, defaults: true, oneofs: true } as const;

test('a session with a Timestamp round-trips through the generated code, field names camelCase, enums by name', () => {
  const { ReadSession } = readApiTypes();
  const session = { name: 'projects/p/locations/us/sessions/s', expireTime: { seconds: '1767225600', nanos: 5 }, dataFormat: 'ARROW', streams: [{ name: 's/0' }], estimatedRowCount: '12' };
  const back = ReadSession.toObject(ReadSession.decode(ReadSession.encode(ReadSession.fromObject(session)).finish()), OBJECT_OPTIONS);
  assert.deepEqual(back.expireTime, { seconds: '1767225600', nanos: 5 });
  assert.equal(back.dataFormat, 'ARROW');
  assert.deepEqual(back.streams, [{ name: 's/0' }]);
  assert.equal(back.estimatedRowCount, '12');
});

test('another program\'s generated code in protobufjs\'s default root does not replace bqread\'s well-known types', () => {
  const { ReadSession } = readApiTypes();
  // What another static module does as it loads: `$root.google = ...` in roots["default"].
  const { roots } = createRequire(import.meta.url)('protobufjs/minimal') as { roots: Record<string, { google?: unknown }> };
  const root = (roots.default ??= {});
  const before = root.google;
  root.google = { protobuf: {} };
  try {
    const bytes = ReadSession.encode(ReadSession.fromObject({ name: 'n', expireTime: { seconds: '60' } })).finish();
    assert.deepEqual(ReadSession.toObject(ReadSession.decode(bytes), OBJECT_OPTIONS).expireTime, { seconds: '60', nanos: 0 });
  } finally {
    root.google = before;
  }
});
