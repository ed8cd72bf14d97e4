import { CallbackError } from './errors.js';
import type { AccessTokenSource } from './options.js';

/** A token from the caller's auth client; any failure of it is the caller's code failing. */
export async function fetchAccessToken(source: AccessTokenSource): Promise<string> {
  let answer: Awaited<ReturnType<AccessTokenSource['getAccessToken']>>;
  try {
    answer = await source.getAccessToken();
  } catch (err) {
    throw new CallbackError(`authClient.getAccessToken() failed: ${(err as Error).message}`, { cause: err });
  }
  const token = typeof answer === 'string' ? answer : answer?.token;
  if (!token) throw new CallbackError('authClient.getAccessToken() returned no access token');
  return token;
}
