import { FetchError, requestBytes } from '../shared-node/http-get';
import { CliError, EXIT } from './exit-codes';
import type { Target } from './connection';

/** Largest report the CLI will hold in memory to write out (a month at 10 Hz as CSV is ~700 MB). */
const MAX_REPORT_BYTES = 1024 * 1024 * 1024;
/** Socket idle time, not the whole transfer: a large report streams for longer than this. */
const IDLE_TIMEOUT_MS = 60_000;

/** Fetches an exported report from the panel's /reports/ download with the bearer token. */
export async function downloadReport(target: Target, urlPath: string): Promise<Buffer> {
  const url = new URL(urlPath, `${target.url}/`).toString();
  let answer;
  try {
    answer = await requestBytes(url, {
      headers: { Authorization: `Bearer ${target.token}` },
      maxBytes: MAX_REPORT_BYTES,
      timeoutMs: IDLE_TIMEOUT_MS,
    });
  } catch (error) {
    if (error instanceof FetchError && error.tooLarge)
      throw new CliError(EXIT.failed, 'The report is larger than 1 GiB; export a shorter period.');
    throw new CliError(EXIT.connect, `Downloading the report failed: ${(error as Error).message}`);
  }
  if (answer.status !== 200)
    throw new CliError(EXIT.failed, `Downloading the report failed: HTTP ${answer.status}.`);
  return answer.body;
}
