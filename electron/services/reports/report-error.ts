import { ApiError, type ApiErrorCode } from '../../../shared/api/api-error';
import { PDF_NEEDS_DESKTOP } from '../../../shared/report';

/**
 * Report failures are ApiErrors, so their message reaches the operator as written instead of as an
 * "Internal error" (the dispatcher passes ApiErrors through). `reason` tells callers and tests apart
 * what the API code alone cannot.
 */
/** invalid-request: bad params; pdf-unavailable: headless; pdf-failed: the renderer; export-failed: I/O. */
export type ReportErrorReason = 'invalid-request' | 'pdf-unavailable' | 'pdf-failed' | 'export-failed';

export class ReportError extends ApiError {
  constructor(
    code: ApiErrorCode,
    readonly reason: ReportErrorReason,
    message: string,
  ) {
    super(code, message, { reason });
  }
}

export function pdfUnavailable(): ReportError {
  return new ReportError('UNSUPPORTED', 'pdf-unavailable', PDF_NEEDS_DESKTOP);
}

export function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
