/** How the conformance check reads a relay's answers: bounded, with a deadline, failures as clause failures. */

/** A clause that did not hold, with why (what the table shows). */
export class ClauseFailure extends Error {}
export const fail = (why: string): never => {
  throw new ClauseFailure(why);
};

export const MAX_BODY_BYTES = 8 * 1024 * 1024;

async function readBounded(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      fail(`${new URL(res.url).pathname} answered more than ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(3000) });
  return { status: res.status, headers: res.headers, text: await readBounded(res) };
}

export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};
