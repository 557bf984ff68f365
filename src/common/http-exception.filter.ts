import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { downDependencyOf, platformUnavailable, RETRY_AFTER_SECONDS } from './dependency-errors';
import { DomainError, type DomainErrorKind } from './errors';

const STATUS_OF: Record<DomainErrorKind, number> = {
  validation: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  field?: string;
}

/** The only place that turns errors into HTTP answers: one shape, no stack traces, no SQL. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const down = exception instanceof DomainError || exception instanceof HttpException ? undefined : downDependencyOf(exception);
    const body = this.toBody(down ? platformUnavailable(down) : exception);
    if (down) this.logger.warn(`${down} unreachable: ${exception instanceof Error ? exception.message : String(exception)}`);
    if (body.statusCode >= 500 && body.statusCode !== 503) this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    // Alertmanager and other senders retry after this; the UI offers to try again.
    if (body.statusCode === 503) response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      const statusCode = STATUS_OF[exception.kind];
      return { statusCode, error: reasonPhrase(statusCode), message: exception.message, ...(exception.field ? { field: exception.field } : {}) };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : exception.message;
      const field = typeof response === 'object' ? (response as { field?: string }).field : undefined;
      return { statusCode, error: reasonPhrase(statusCode), message, ...(field ? { field } : {}) };
    }
    if (isBodyParserError(exception)) {
      return { statusCode: exception.status, error: reasonPhrase(exception.status), message: bodyParserMessage(exception) };
    }
    return { statusCode: 500, error: 'Internal Server Error', message: 'An unexpected error occurred; it has been logged.' };
  }
}

interface BodyParserError { status: number; type: string; expose?: boolean }

function isBodyParserError(e: unknown): e is BodyParserError {
  return typeof e === 'object' && e !== null && typeof (e as BodyParserError).status === 'number' && typeof (e as BodyParserError).type === 'string';
}

function bodyParserMessage(e: BodyParserError): string {
  if (e.type === 'entity.parse.failed') return 'The request body is not valid JSON';
  if (e.type === 'entity.too.large') return 'The request body is too large';
  return 'The request body could not be read';
}

function reasonPhrase(status: number): string {
  const phrases: Record<number, string> = {
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
    413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
    503: 'Service Unavailable',
  };
  return phrases[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}
