import { BqReadError } from '../errors.js';

/** A plan file that is not one this version of bqread reads, or a shard or stream the plan does not have. */
export class PlanError extends BqReadError {
  override name = 'PlanError';
}
