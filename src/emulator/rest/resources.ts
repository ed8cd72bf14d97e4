// The JSON resources BigQuery's REST API returns for tables and jobs, from the emulator's state
// (https://cloud.google.com/bigquery/docs/reference/rest/v2/tables#Table,
// https://cloud.google.com/bigquery/docs/reference/rest/v2/Job).
import type * as arrow from 'apache-arrow';
import { bqSchemaField, repeatedItem } from '../../bq-type.js';
import { childFields, schemaFields } from '../../arrow/child-fields.js';
import { rangeElementTypeOf } from '../sources/bq-schema.js';
import type { TablePath } from '../../protocol/names.js';
import type { Job } from './jobs.js';

const tableReferenceJson = (path: TablePath) => ({ projectId: path.projectId, datasetId: path.datasetId, tableId: path.tableId });

export const schemaJson = (schema: arrow.Schema) => ({ fields: schemaFields(schema).map(restField) });

/** A TableFieldSchema: as `bq show --schema` writes the field, with RANGEs the emulator made named as such. */
function restField(field: arrow.Field<arrow.DataType>): object {
  const item = repeatedItem(field) as arrow.Field<arrow.DataType> | undefined;
  const valueField = item ?? field;
  const mode = item ? 'REPEATED' : field.nullable ? 'NULLABLE' : 'REQUIRED';
  const element = rangeElementTypeOf(valueField.type);
  if (element) return { name: field.name, type: 'RANGE', mode, rangeElementType: { type: element } };
  const described = bqSchemaField(field);
  return described.type === 'RECORD' ? { ...described, fields: childFields(valueField.type).map(restField) } : described;
}

export interface TableFacts {
  readonly path: TablePath;
  readonly schema: arrow.Schema;
  readonly numRows: number;
  readonly numBytes: number;
  readonly createdMs: number;
  readonly modifiedMs: number;
  readonly location: string;
  /** A logical view's query; absent for a table. */
  readonly viewQuery?: string;
}

export function tableJson(facts: TableFacts): object {
  const { path } = facts;
  return {
    kind: 'bigquery#table',
    id: `${path.projectId}:${path.datasetId}.${path.tableId}`,
    tableReference: tableReferenceJson(path),
    schema: schemaJson(facts.schema),
    numRows: String(facts.numRows),
    numBytes: String(facts.numBytes),
    creationTime: String(facts.createdMs),
    lastModifiedTime: String(facts.modifiedMs),
    type: facts.viewQuery === undefined ? 'TABLE' : 'VIEW',
    ...(facts.viewQuery !== undefined && { view: { query: facts.viewQuery, useLegacySql: false } }),
    location: facts.location,
  };
}

export function jobJson(job: Job, nowMs: number): object {
  const { projectId, jobId, location } = job.reference;
  const state = job.state(nowMs);
  const outcome = job.outcome();
  const planned = job.planned;
  const endMs = job.endMs();
  const startedMs = state === 'PENDING' ? undefined : job.createdMs + (job.doneMs - job.createdMs) / 2;
  const bytes = planned.kind === 'result' ? planned : undefined;
  const destination = planned.kind === 'result' ? tableReferenceJson(planned.destination) : undefined;
  const query = job.configuration.query as Record<string, unknown>;
  return {
    kind: 'bigquery#job',
    id: `${projectId}:${location}.${jobId}`,
    jobReference: job.reference,
    configuration: { ...job.configuration, jobType: 'QUERY', query: { ...query, ...(destination && { destinationTable: destination }) } },
    status: {
      state,
      ...(outcome?.kind === 'error' && { errorResult: outcome.error, errors: [outcome.error] }),
    },
    statistics: {
      creationTime: String(job.createdMs),
      ...(startedMs !== undefined && { startTime: String(Math.round(startedMs)) }),
      ...(endMs !== undefined && { endTime: String(endMs) }),
      ...(outcome?.kind === 'result' && bytes && {
        totalBytesProcessed: String(bytes.bytesProcessed),
        query: {
          totalBytesProcessed: String(bytes.bytesProcessed),
          totalBytesBilled: String(bytes.bytesBilled),
          cacheHit: false,
          statementType: 'SELECT',
          schema: schemaJson(bytes.table.schema),
        },
      }),
    },
  };
}
