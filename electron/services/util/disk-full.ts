import { ApiError } from '../../../shared/api';

/** ENOSPC/EDQUOT from the file system, or SQLite's "database or disk is full". */
export function isDiskFull(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    code === 'ENOSPC' ||
    code === 'EDQUOT' ||
    /SQLITE_FULL|database or disk is full|no space left on device/i.test(error.message)
  );
}

/**
 * The typed error for a write that found no space: names the folder and what was not saved, and what
 * to do. Nothing else was changed (callers remove their temporary files before throwing it).
 */
export function diskFullError(folder: string, notSaved: string): ApiError {
  return new ApiError(
    'DISK_FULL',
    `The disk holding ${folder} is full: ${notSaved}. Free some space there and try again.`,
    { folder },
  );
}
