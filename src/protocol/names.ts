/** Resource names of the Read API, in the exact formats the service uses. */

export interface TablePath {
  readonly projectId: string;
  readonly datasetId: string;
  readonly tableId: string;
}

export interface StreamName {
  readonly projectId: string;
  readonly location: string;
  readonly sessionId: string;
  readonly streamId: string;
}

// BigQuery's own limits: project ids may carry a domain prefix ("example.com:proj"), datasets are
// letters/digits/underscores, table ids allow unicode letters, dashes and spaces, and `$` partition
// decorators or `@` snapshot decorators are not part of a Storage API table path.
const PROJECT_RE = /^(?:[a-z][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const DATASET_RE = /^[A-Za-z0-9_]{1,1024}$/;
const TABLE_RE = /^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}]{1,1024}$/u;

export function isValidProjectId(id: string): boolean {
  return PROJECT_RE.test(id);
}

/** Why a table path is malformed, or undefined when it is well formed. */
export function tablePathProblem(path: TablePath): string | undefined {
  if (!isValidProjectId(path.projectId)) return `invalid project id "${path.projectId}"`;
  if (!DATASET_RE.test(path.datasetId)) return `invalid dataset id "${path.datasetId}"`;
  if (!TABLE_RE.test(path.tableId)) return `invalid table id "${path.tableId}"`;
  return undefined;
}

export function formatTablePath(t: TablePath): string {
  return `projects/${t.projectId}/datasets/${t.datasetId}/tables/${t.tableId}`;
}

/** Parses `projects/P/datasets/D/tables/T`; undefined when the shape is wrong. */
export function parseTablePath(text: string): TablePath | undefined {
  const m = /^projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/.exec(text);
  if (!m) return undefined;
  return { projectId: m[1]!, datasetId: m[2]!, tableId: m[3]! };
}

/** Parses `projects/P`, the `parent` of CreateReadSession. */
export function parseProjectName(text: string): string | undefined {
  const m = /^projects\/([^/]+)$/.exec(text);
  return m ? m[1] : undefined;
}

export function formatSessionName(projectId: string, location: string, sessionId: string): string {
  return `projects/${projectId}/locations/${location}/sessions/${sessionId}`;
}

export function formatStreamName(s: StreamName): string {
  return `${formatSessionName(s.projectId, s.location, s.sessionId)}/streams/${s.streamId}`;
}

export function parseStreamName(text: string): StreamName | undefined {
  const m = /^projects\/([^/]+)\/locations\/([^/]+)\/sessions\/([^/]+)\/streams\/([^/]+)$/.exec(text);
  if (!m) return undefined;
  return { projectId: m[1]!, location: m[2]!, sessionId: m[3]!, streamId: m[4]! };
}
