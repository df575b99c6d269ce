import { JsonObject } from './json';

/** One field-level cause of an `Invalid` error, as in `Status.details.causes`. */
export interface StatusCause {
  /** `FieldValueInvalid`, `FieldValueRequired`, `FieldValueNotSupported`, ... */
  reason: string;
  message: string;
  /** Dotted field path, e.g. `spec.ttl` or `spec.hooks.resources[0].name`. */
  field: string;
}

/** `Status.details`: the object the error is about. */
export interface StatusDetails {
  name?: string;
  group?: string;
  /** The resource's plural name (the real API puts the resource here, not the kind). */
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
}

/** The resource an error is about, for messages such as `backups.velero.io "x" not found`. */
export interface ErrorSubject {
  group: string;
  plural: string;
  name?: string;
}

/** An error the API answers with a `kind: Status` failure object. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    /** The Status's list metadata (`continue` of a 410 `Expired`). */
    readonly listMeta: JsonObject = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The `kind: Status` body of the response. */
  toStatus(): JsonObject {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: this.listMeta,
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details && { details: this.details as JsonObject }),
      code: this.code,
    };
  }
}

/** `backups.velero.io` for a group resource, `pods` for the core group. */
function qualifiedResource(subject: ErrorSubject): string {
  return subject.group ? `${subject.plural}.${subject.group}` : subject.plural;
}

function subjectDetails(subject: ErrorSubject): StatusDetails {
  return {
    ...(subject.name !== undefined && { name: subject.name }),
    ...(subject.group && { group: subject.group }),
    kind: subject.plural,
  };
}

/** 404 for a named object that does not exist. */
export function notFound(subject: ErrorSubject & { name: string }): ApiError {
  return new ApiError(
    404,
    'NotFound',
    `${qualifiedResource(subject)} "${subject.name}" not found`,
    subjectDetails(subject),
  );
}

/** 404 for a path the server does not serve (unknown group, version or resource). */
export function pathNotFound(): ApiError {
  return new ApiError(
    404,
    'NotFound',
    'the server could not find the requested resource',
  );
}

/** 409 on create of an object that exists. */
export function alreadyExists(
  subject: ErrorSubject & { name: string },
): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource(subject)} "${subject.name}" already exists`,
    subjectDetails(subject),
  );
}

/** 409 on an update whose resourceVersion precondition no longer holds. */
export function conflict(subject: ErrorSubject & { name: string }): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(subject)} "${
      subject.name
    }": the object has been modified; please apply your changes to the latest version and try again`,
    subjectDetails(subject),
  );
}

/** 422 with one cause per invalid field, worded like the real API server. */
export function invalid(
  subject: { group: string; kind: string; name: string },
  causes: StatusCause[],
): ApiError {
  const qualifiedKind = subject.group
    ? `${subject.kind}.${subject.group}`
    : subject.kind;
  const list = causes.map(cause => `${cause.field}: ${cause.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new ApiError(
    422,
    'Invalid',
    `${qualifiedKind} "${subject.name}" is invalid: ${summary}`,
    {
      name: subject.name,
      ...(subject.group && { group: subject.group }),
      kind: subject.kind,
      causes,
    },
  );
}

/** 400 for a malformed request. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 401: missing or wrong bearer token. */
export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

/** 403 with the real API's wording (`... cannot list resource "backups" in API group ...`). */
export function forbidden(message: string): ApiError {
  return new ApiError(403, 'Forbidden', message);
}

/** 405 for a verb the resource does not support. */
export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

/** 415 for a request body (or patch) type the endpoint does not accept. */
export function unsupportedMediaType(
  contentType: string,
  accepted: string[],
): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (${
      contentType || 'none'
    }) - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** 500 InternalError. */
export function internalError(message: string): ApiError {
  return new ApiError(
    500,
    'InternalError',
    `Internal error occurred: ${message}`,
  );
}

/**
 * 410 for a list continued with a token whose revision etcd compacted, worded like the API
 * server (`storage/etcd3`): the token in `metadata.continue` would continue the list, but not
 * consistently.
 */
export function continueExpired(continueToken: string): ApiError {
  return new ApiError(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    undefined,
    { continue: continueToken },
  );
}
