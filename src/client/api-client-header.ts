import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const versionOf = (manifest: string) => (require(manifest) as { version: string }).version;
const ownVersion = versionOf('../../../package.json');
const grpcVersion = versionOf('@grpc/grpc-js/package.json');

/** `x-goog-api-client`, which Google's front ends use to attribute traffic to client libraries. */
export const API_CLIENT_HEADER = {
  version: ownVersion,
  value: `gl-node/${process.versions.node} grpc/${grpcVersion} bqread/${ownVersion}`,
};
