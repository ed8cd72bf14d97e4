import type { layoutPlanOf } from '../arrow/layout-plan.js';
import type { decodeSchema } from '../arrow/schema-message.js';
import type { unpackBatch } from '../arrow/transfer.js';

/**
 * The read's parts that build Arrow objects, and so load apache-arrow: about 75 ms of CPU on Node
 * 22 with the compile cache warm, more than a third of what `bqread head` spent before its first
 * request. A read imports them once CreateReadSession is on its way, so that time overlaps the
 * service's (hundreds of milliseconds) instead of coming before it; nothing before the session
 * imports apache-arrow.
 */
export interface ArrowParts {
  readonly decodeSchema: typeof decodeSchema;
  readonly layoutPlanOf: typeof layoutPlanOf;
  readonly unpackBatch: typeof unpackBatch;
}

export async function loadArrowParts(): Promise<ArrowParts> {
  const [schema, layout, transfer] = await Promise.all([
    import('../arrow/schema-message.js'),
    import('../arrow/layout-plan.js'),
    import('../arrow/transfer.js'),
  ]);
  return { decodeSchema: schema.decodeSchema, layoutPlanOf: layout.layoutPlanOf, unpackBatch: transfer.unpackBatch };
}
