// The parts of BigQuery's v2 REST resources a query read uses, as the API reference names them
// (https://cloud.google.com/bigquery/docs/reference/rest/v2). int64 fields arrive as strings.
import type { BigQueryErrorEntry } from './errors.js';

export interface TableFieldSchema {
  readonly name: string;
  readonly type: string;
  readonly mode?: string;
  readonly fields?: readonly TableFieldSchema[];
  readonly precision?: string | number;
  readonly scale?: string | number;
  readonly rangeElementType?: { readonly type: string };
  readonly timestampPrecision?: string | number;
}

export interface TableSchema {
  readonly fields?: readonly TableFieldSchema[];
}

export interface JobReference {
  readonly projectId: string;
  readonly jobId: string;
  readonly location?: string;
}

export interface TableReferenceJson {
  readonly projectId: string;
  readonly datasetId: string;
  readonly tableId: string;
}

export interface Job {
  readonly jobReference: JobReference;
  readonly status?: {
    readonly state?: 'PENDING' | 'RUNNING' | 'DONE';
    readonly errorResult?: BigQueryErrorEntry;
    readonly errors?: readonly BigQueryErrorEntry[];
  };
  readonly statistics?: {
    readonly totalBytesProcessed?: string;
    /** `schema`: a dry run's result schema. */
    readonly query?: { readonly totalBytesProcessed?: string; readonly cacheHit?: boolean; readonly schema?: TableSchema };
  };
  readonly configuration?: { readonly query?: { readonly destinationTable?: TableReferenceJson } };
}

/** A cell of a row in the JSON rows of jobs.getQueryResults: text, NULL, a RECORD or a REPEATED list. */
export type JsonCell = string | null | JsonRow | readonly { readonly v: JsonCell }[];

export interface JsonRow {
  readonly f: readonly { readonly v: JsonCell }[];
}

export interface QueryResults {
  readonly jobReference: JobReference;
  readonly jobComplete: boolean;
  readonly schema?: TableSchema;
  readonly rows?: readonly JsonRow[];
  readonly totalRows?: string;
  readonly pageToken?: string;
  readonly totalBytesProcessed?: string;
  readonly errors?: readonly BigQueryErrorEntry[];
}
