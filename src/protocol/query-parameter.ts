// Query parameters as BigQuery's REST API writes them (QueryParameter, QueryParameterType,
// QueryParameterValue: https://cloud.google.com/bigquery/docs/reference/rest/v2/QueryParameter):
// what readQuery sends and the emulator's jobs API reads.

export interface QueryParameterType {
  readonly type: string;
  readonly arrayType?: QueryParameterType;
  readonly structTypes?: readonly { readonly name?: string; readonly type: QueryParameterType }[];
  readonly rangeElementType?: QueryParameterType;
}

export interface QueryParameterValue {
  readonly value?: string | null;
  readonly arrayValues?: readonly QueryParameterValue[];
  readonly structValues?: Readonly<Record<string, QueryParameterValue>>;
  readonly rangeValue?: { readonly start?: QueryParameterValue; readonly end?: QueryParameterValue };
}

export interface QueryParameter {
  readonly name?: string;
  readonly parameterType: QueryParameterType;
  readonly parameterValue?: QueryParameterValue;
}
