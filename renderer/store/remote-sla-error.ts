import { ApiError } from '../../shared/api';

/**
 * A remote SLA test's failure in words that say what to do. The remote path's own message (the
 * panel's URL, the socket's cause) is kept after the advice so the detail is not lost.
 */
export function remoteSlaTestError(error: unknown, panel: string): string {
  if (!(error instanceof ApiError)) return `The SLA test on ${panel} failed: ${String(error)}`;
  const cause = error.message;
  switch (error.code) {
    case 'CANCELLED':
      return `Cancelled. ${panel} stops its test and puts its relay back on its tier.`;
    case 'UNAUTHORIZED':
      return `${panel} refused this panel's token (${cause}) Remove it from the fleet and add it again with the token from the URL its \`npm run serve\` printed.`;
    case 'UNREACHABLE':
      if (/did not answer within/.test(cause)) {
        return `${panel} did not send the result in time (${cause}) The test may still be running there: wait for it, or run a shorter one (fewer probes per tier or a higher rate).`;
      }
      return `${panel} could not be reached (${cause}) Check that it is still running (\`npm run serve\` there), that its URL is right and that this machine can reach it, then run the test again.`;
    case 'BUSY':
      return `${panel} is busy: ${cause}`;
    case 'INVALID_RESULT':
      return `${cause} Run the same version of Sprint Control on both panels.`;
    default:
      return `The SLA test on ${panel} failed: ${cause}`;
  }
}
