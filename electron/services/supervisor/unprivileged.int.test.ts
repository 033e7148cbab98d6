import { chmodSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RelayStatus } from '../../../shared/relay-status';
import { callPanel, startHeadlessPanel, type HeadlessPanel } from '../../../e2e/support/headless';

// Users are not root. This runs the whole panel (headless mode, as `npm run serve` does) as uid
// 65534 and asks for enterprise: it must still start the relay, with what could not be granted and
// why in the launch report. Needs root to drop to that user, and setpriv (util-linux).
const canDrop = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
let panel: HeadlessPanel | null = null;

afterEach(() => {
  panel?.process.kill('SIGKILL');
  panel = null;
});

describe.skipIf(!canDrop)('as an unprivileged user', () => {
  it('enterprise still runs, and the report says what was refused and why', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sprint-nobody-'));
    chmodSync(dataDir, 0o777);
    panel = await startHeadlessPanel({
      dataDir,
      wrapper: ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
      env: { ...process.env, HOME: dataDir },
    });
    await callPanel(panel, 'tier.set', { tier: 'enterprise' });
    const status = (await callPanel(panel, 'relay.start')) as RelayStatus;
    expect(status.state).toBe('running');
    const items = Object.fromEntries(status.launch!.items.map((item) => [item.name, item]));
    expect(items.priority).toMatchObject({ granted: false, reason: expect.stringMatching(/CAP_SYS_NICE/) });
    expect(items.scheduling).toMatchObject({
      granted: false,
      reason: expect.stringMatching(/CAP_SYS_NICE|RLIMIT_RTPRIO/),
    });
    expect(items.priority?.applied).toBe('nice 0');
    // The wrappers that would fail are not in the argv at all.
    expect(status.launch!.argv.some((part) => /(^|\/)(chrt|nice)$/.test(part))).toBe(false);
  });
});
