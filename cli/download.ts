import http from 'node:http';
import { CliError, EXIT } from './exit-codes';
import type { Target } from './connection';

/** Largest report the CLI will hold in memory to write out (a month at 10 Hz as CSV is ~700 MB). */
const MAX_REPORT_BYTES = 1024 * 1024 * 1024;

/** Fetches an exported report from the panel's /reports/ download with the bearer token. */
export function downloadReport(target: Target, urlPath: string): Promise<Buffer> {
  const url = new URL(urlPath, `${target.url}/`);
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { Authorization: `Bearer ${target.token}` } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new CliError(EXIT.failed, `Downloading the report failed: HTTP ${response.statusCode}.`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_REPORT_BYTES) {
          request.destroy();
          reject(new CliError(EXIT.failed, 'The report is larger than 1 GiB; export a shorter period.'));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve(Buffer.concat(chunks)));
      response.on('error', reject);
    });
    request.on('error', (error) =>
      reject(new CliError(EXIT.connect, `Downloading the report failed: ${error.message}`)),
    );
  });
}
