/**
 * Typed errors that features throw. One global filter (http-exception.filter.ts) turns them into HTTP
 * answers, so services never think in status codes. A feature subclasses the closest one:
 * `class SignatureClosedError extends ConflictError {}`.
 */
export interface ErrorDetail {
  /** Field path as sent by the client: `email`, `goals.money.amount`. */
  field: string;
  /** Stable machine code, so pages can show the message in the reader's language. */
  code: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  constructor(
    message: string,
    readonly code: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadInputError extends DomainError {
  readonly status = 400;
  constructor(message: string, details?: ErrorDetail[], code = 'bad_input') {
    super(message, code, details);
  }

  static field(field: string, code: string, message: string): BadInputError {
    return new BadInputError(message, [{ field, code, message }], code);
  }
}

export class UnauthorizedError extends DomainError {
  readonly status = 401;
  constructor(message = 'Authentication required', code = 'unauthorized') {
    super(message, code);
  }
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  constructor(message = 'Your role does not allow this', code = 'forbidden') {
    super(message, code);
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  constructor(what = 'Resource', code = 'not_found') {
    super(`${what} not found`, code);
  }
}

export class ConflictError extends DomainError {
  readonly status = 409;
  constructor(message: string, code = 'conflict', details?: ErrorDetail[]) {
    super(message, code, details);
  }
}

export class GoneError extends DomainError {
  readonly status = 410;
  constructor(message: string, code = 'gone') {
    super(message, code);
  }
}

export class TooManyRequestsError extends DomainError {
  readonly status = 429;
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests, try again later',
  ) {
    super(message, 'rate_limited');
  }
}

/**
 * The service cannot answer right now (the database is down, restarting or stalled): 503 with
 * `Retry-After`, so clients and load balancers try again instead of reporting a failure.
 */
export class ServiceUnavailableError extends DomainError {
  readonly status = 503;
  constructor(
    readonly retryAfterSeconds = 5,
    message = 'The service is briefly unavailable; try again in a few seconds',
    code = 'database_unavailable',
  ) {
    super(message, code);
  }
}
