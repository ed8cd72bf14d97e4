import { googleCallCredentials } from '../../src/client/read-client.js';
import { resolveRestEndpoint } from '../../src/query/rest-endpoint.js';

/**
 * The auth headers both of bqread's APIs would send with a key file, made in a process of its own
 * (its proxy and CA environment reach the test's token endpoint). argv[2]: `{ keyFilename,
 * quotaProject }` as JSON. Prints one JSON line: each API's quota project header, and whether it
 * got a bearer token (not the token: a test's output is a log too).
 */
const { keyFilename, quotaProject } = JSON.parse(process.argv[2]!) as { keyFilename: string; quotaProject?: string };
const rest = await resolveRestEndpoint({ apiEndpoint: 'https://bigquery.googleapis.com', keyFilename, quotaProject }, {}).headers();
const grpc = await googleCallCredentials({ keyFilename }, quotaProject).generateMetadata({
  method_name: '/google.cloud.bigquery.storage.v1.BigQueryRead/CreateReadSession',
  service_url: 'https://bigquerystorage.googleapis.com/google.cloud.bigquery.storage.v1.BigQueryRead',
});
const bearer = (value: unknown) => typeof value === 'string' && /^Bearer \S+$/.test(value);
console.log(JSON.stringify({
  rest: { quotaProject: rest['x-goog-user-project'] ?? null, bearer: bearer(rest.authorization) },
  grpc: { quotaProject: grpc.get('x-goog-user-project')[0] ?? null, bearer: bearer(grpc.get('authorization')[0]) },
}));
