import { Metadata, status as Status, type ServerErrorResponse } from '@grpc/grpc-js';

/** An error the emulator returns to the caller with a gRPC status, as the service would. */
export class ApiError extends Error implements ServerErrorResponse {
  override name = 'ApiError';
  readonly details: string;
  readonly metadata: Metadata;

  constructor(readonly code: Status, message: string, metadata?: Metadata) {
    super(message);
    this.details = message;
    this.metadata = metadata ?? new Metadata();
  }
}

export const invalidArgument = (message: string) => new ApiError(Status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new ApiError(Status.NOT_FOUND, message);
