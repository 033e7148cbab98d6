import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api';
import { errorsUnder, errorText, fieldErrorsFromApi } from './error-text';

describe('server validation errors', () => {
  it('reads describeIssues text into messages per field', () => {
    const error = new ApiError(
      'SETTINGS_INVALID',
      'Settings not saved: probe.rateHz: Too big: expected number to be <=100; overrides.turbo.cpus: Invalid',
    );
    expect(fieldErrorsFromApi(error)).toEqual({
      'probe.rateHz': 'Too big: expected number to be <=100',
      'overrides.turbo.cpus': 'Invalid',
    });
  });
  it('prefers structured issues when the server sends them', () => {
    const error = new ApiError('SETTINGS_INVALID', 'Settings not saved', {
      issues: [{ path: ['apiPort'], message: 'Must be at most 65535.' }],
    });
    expect(fieldErrorsFromApi(error)).toEqual({ apiPort: 'Must be at most 65535.' });
  });
  it('has no field errors for other failures, and scopes errors to a section', () => {
    expect(fieldErrorsFromApi(new Error('boom'))).toEqual({});
    expect(errorsUnder({ 'overrides.turbo.cpus': 'x', apiPort: 'y' }, 'overrides.turbo')).toEqual({
      cpus: 'x',
    });
    expect(errorText(new ApiError('PORT_IN_USE', 'Port 8080 is in use; pick another.'))).toBe(
      'Port 8080 is in use; pick another.',
    );
  });
});
