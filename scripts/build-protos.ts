// Build step (npm run build, after tsc): parses Google's Read API .proto files in protos/ once and
// writes the code of their messages (protobufjs's static code, from its pbjs) to dist/protos/,
// which src/protocol/protos.ts loads with protobufjs's minimal runtime: no thread parses .proto
// text or builds types from descriptors at run time.
//   node dist/scripts/build-protos.js
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { pbjs } from 'protobufjs-cli';
import { READ_API_MODULE_FILE, READ_API_TYPE_NAMES } from '../src/protocol/protos.js';

const PROTOS_DIR = fileURLToPath(new URL('../../protos/', import.meta.url));
const ENTRY_FILES = [
  'google/cloud/bigquery/storage/v1/storage.proto',
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
];

/** protobufjs bundles only some well-known types; the Google API protos also import descriptor.proto. */
function registerDescriptorProto(): void {
  const descriptor = createRequire(import.meta.url)('protobufjs/google/protobuf/descriptor.json') as {
    nested: { google: { nested: { protobuf: protobuf.INamespace } } };
  };
  protobuf.common('descriptor', descriptor.nested.google.nested.protobuf.nested!);
}

/** The types and enums `roots` use, themselves included, by full name. */
function reachable(roots: (protobuf.Type | protobuf.Enum)[]): Set<string> {
  const kept = new Set<string>();
  const visit = (object: protobuf.Type | protobuf.Enum) => {
    if (kept.has(object.fullName)) return;
    kept.add(object.fullName);
    if (object instanceof protobuf.Type) {
      for (const field of object.fieldsArray) if (field.resolvedType) visit(field.resolvedType);
    }
  };
  roots.forEach(visit);
  return kept;
}

/**
 * Removes what no kept type uses: the Write API, the descriptor and google.api option types, and
 * the option extensions declared on them, which cost every thread time to load and resolve.
 */
function prune(namespace: protobuf.NamespaceBase, kept: Set<string>): boolean {
  let keeps = false;
  for (const object of [...namespace.nestedArray]) {
    const own = (object instanceof protobuf.Type || object instanceof protobuf.Enum) && kept.has(object.fullName);
    const inner = object instanceof protobuf.Namespace || object instanceof protobuf.Type ? prune(object, kept) : false;
    if (own || inner) keeps = true;
    else namespace.remove(object);
  }
  return keeps;
}

registerDescriptorProto();
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : path.join(PROTOS_DIR, target));
// camelCase field names, as every user of the descriptors reads and writes them.
root.loadSync(ENTRY_FILES, { keepCase: false });
root.resolveAll();
prune(root, reachable(READ_API_TYPE_NAMES.map((name) => root.lookupTypeOrEnum(name))));
// What pbjs is given must resolve on its own.
protobuf.Root.fromJSON(root.toJSON()).resolveAll();

/**
 * The generated code's namespace in protobufjs's shared registry (protobuf.roots), which its
 * functions look their field types up in as they run: under "default" another program's
 * generated code (a `google.protobuf` of its own) would replace bqread's.
 */
const GENERATED_ROOT = 'bqread';

/**
 * The pruned descriptors as static code: a CommonJS module of message classes on protobufjs's
 * minimal runtime, with encode, decode, fromObject and toObject (what bqread calls) and nothing
 * else (no verify, create, delimited forms, service stubs or doc comments).
 */
async function writeStaticModule(descriptors: protobuf.INamespace, out: string): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'bqread-protos-'));
  try {
    const json = path.join(scratch, 'bigquery-read.json');
    writeFileSync(json, JSON.stringify(descriptors));
    await new Promise<void>((resolve, reject) => {
      pbjs.main([
        '--target', 'static-module', '--wrap', 'commonjs', '--no-verify', '--no-create', '--no-delimited',
        '--no-service', '--no-comments', '--no-beautify', '--root', GENERATED_ROOT, '--out', out, json,
      ], (err) => (err ? reject(err) : resolve()));
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const out = fileURLToPath(READ_API_MODULE_FILE);
mkdirSync(path.dirname(out), { recursive: true });
await writeStaticModule(root.toJSON(), out);
