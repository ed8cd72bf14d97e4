import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ownVersion: string = require('../../../package.json').version;
const grpcVersion: string = require('@grpc/grpc-js/package.json').version;

/** `x-goog-api-client`, which Google's front ends use to attribute traffic to client libraries. */
export const API_CLIENT_HEADER = {
  version: ownVersion,
  value: `gl-node/${process.versions.node} grpc/${grpcVersion} bqread/${ownVersion}`,
};
