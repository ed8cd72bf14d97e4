// google-auth-library for both of bqread's APIs: the Read API's calls (gRPC call credentials) and
// BigQuery's REST API (jobs, for query results). The library is loaded on first use: emulator
// reads, and every worker thread reading from one, never pay for it.
import type { GoogleAuth } from 'google-auth-library';

export const BIGQUERY_SCOPES = [
  'https://www.googleapis.com/auth/bigquery',
  'https://www.googleapis.com/auth/cloud-platform',
];

/** Where google-auth-library finds credentials: a key file, inline credentials, else application default credentials. */
export interface GoogleCredentials {
  readonly keyFilename?: string;
  readonly credentials?: Record<string, unknown>;
  readonly projectId?: string;
}

const USER_PROJECT_HEADER = 'x-goog-user-project';

/**
 * The headers google-auth-library gives a request to `url` (its bearer token, and a quota project
 * named by the credentials), with `quotaProject`, when given, as the quota project. The library
 * itself would not keep it: a client made from a key file or ADC JSON takes that file's
 * quota_project_id in place of the one it was given, none if the file has none.
 */
export function googleRequestHeaders(google: GoogleCredentials, quotaProject: string | undefined): (url: string) => Promise<Headers> {
  let auth: Promise<GoogleAuth> | undefined;
  return async (url) => {
    auth ??= import('google-auth-library').then(({ GoogleAuth }) => new GoogleAuth({
      scopes: BIGQUERY_SCOPES,
      keyFilename: google.keyFilename,
      credentials: google.credentials,
      projectId: google.projectId,
    }));
    const headers = await (await auth).getRequestHeaders(url);
    if (quotaProject) headers.set(USER_PROJECT_HEADER, quotaProject);
    return headers;
  };
}
