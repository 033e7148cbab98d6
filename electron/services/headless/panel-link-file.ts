import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PANEL_LINK_FILE, PanelLink } from '../../../shared/panel-link';
import { processStartTicks } from '../../../shared-node/process-identity';

/**
 * Writes the panel's URL and token for `sprint-control` (cli/) to find, readable by this user only,
 * and returns a function that removes it again, unless another panel has written its own since.
 */
export function writePanelLink(dataDir: string, link: { url: string; token: string }): () => void {
  const file = path.join(dataDir, PANEL_LINK_FILE);
  const content: PanelLink = PanelLink.parse({
    ...link,
    pid: process.pid,
    startTicks: processStartTicks(process.pid),
  });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  // A umask can only take bits away, but a file left by an older version may be wider: set it.
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return () => {
    try {
      const current = PanelLink.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (current.success && current.data.pid === process.pid) rmSync(file, { force: true });
    } catch {
      // Already gone or unreadable: nothing of ours to remove.
    }
  };
}
