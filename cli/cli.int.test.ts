import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, type CommandName, type CommandResult } from '../shared/api';
import { PanelLink } from '../shared/panel-link';
import { ProfileFile, SeedConfig } from '../shared/profile';
import { ENV_KNOBS } from '../shared/profile-env';
import seedExample from '../test/fixtures/seed-config.json';
import { EXIT } from './exit-codes';

// A real headless panel (the bundled serve.mjs, built by the global setup) with seed variables in its
// environment, driven by the bundled CLI in separate processes, as a script or CI job would.
const root = mkdtempSync(path.join(os.tmpdir(), 'sprint-cli-'));
const dataDir = path.join(root, 'data');
const linkFile = path.join(dataDir, 'headless.json');
let panel: ChildProcess;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], options: { dataDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['dist/cli/sprint-control.mjs', ...args, '--data-dir', options.dataDir ?? dataDir],
      { timeout: 60_000, env: { ...process.env, SPRINT_CONTROL_DATA_DIR: '', ...options.env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs with --json and parses stdout back through the command's own result schema. */
async function json<M extends CommandName>(method: M, args: string[]): Promise<CommandResult<M>> {
  const run = await cli([...args, '--json']);
  expect(run.code, run.stderr).toBe(EXIT.ok);
  return COMMANDS[method].result.parse(JSON.parse(run.stdout)) as CommandResult<M>;
}

beforeAll(async () => {
  const env = { ...process.env };
  for (const { name } of ENV_KNOBS) delete env[name];
  panel = spawn(process.execPath, ['dist/electron/serve.mjs', '--no-open', '--data-dir', dataDir], {
    env: { ...env, GC_PERCENT: '40', HIGH_PRIORITY: 'maybe' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    panel.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) resolve();
    });
    panel.once('exit', (code) => reject(new Error(`panel exited with ${code}`)));
  });
});

afterAll(async () => {
  if (panel.exitCode === null) {
    const exited = new Promise((resolve) => panel.once('exit', resolve));
    panel.kill('SIGTERM');
    await exited;
  }
  rmSync(root, { recursive: true, force: true });
});

describe('finding the panel', () => {
  it('reads the token file the headless panel writes, owner-only', () => {
    const link = PanelLink.parse(JSON.parse(readFileSync(linkFile, 'utf8')));
    expect(link.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(link.pid).toBe(panel.pid);
    expect(statSync(linkFile).mode & 0o777).toBe(0o600);
  });

  it('exits 3 when no panel is running, with --json too', async () => {
    const run = await cli(['status', '--json'], { dataDir: path.join(root, 'nothing-here') });
    expect(run.code).toBe(EXIT.connect);
    expect(run.stderr).toMatch(/No running panel found/);
    expect(JSON.parse(run.stdout).error.exit).toBe(EXIT.connect);
  });

  it('exits 3 on a wrong token and on a port nobody listens on', async () => {
    const { url } = PanelLink.parse(JSON.parse(readFileSync(linkFile, 'utf8')));
    const wrong = await cli(['status', '--url', url, '--token', 'x'.repeat(43)]);
    expect(wrong.code).toBe(EXIT.connect);
    expect(wrong.stderr).toMatch(/refused the token \(401/);
    const closed = await cli(['status', '--url', 'http://127.0.0.1:1', '--token', 'x'.repeat(43)]);
    expect(closed.code).toBe(EXIT.connect);
  });

  it('exits 2 on a bad --url, and takes the token from --token-file or SPRINT_CONTROL_TOKEN', async () => {
    for (const url of ['not a url', 'ftp://127.0.0.1:1', '127.0.0.1:8600']) {
      const run = await cli(['status', '--url', url, '--token-file', '/dev/null']);
      expect(run.code, url).toBe(EXIT.usage);
      expect(run.stderr).toMatch(/--url must/);
    }
    const link = PanelLink.parse(JSON.parse(readFileSync(linkFile, 'utf8')));
    const tokenFile = path.join(root, 'token');
    writeFileSync(tokenFile, `${link.token}\n`, { mode: 0o600 });
    const byFile = await cli(['status', '--url', link.url, '--token-file', tokenFile]);
    expect(byFile.code, byFile.stderr).toBe(EXIT.ok);
    expect(byFile.stderr).toBe('');
    const byEnv = await cli(['status', '--url', link.url], { env: { SPRINT_CONTROL_TOKEN: link.token } });
    expect(byEnv.code, byEnv.stderr).toBe(EXIT.ok);
    const byFlag = await cli(['status', '--url', link.url, '--token', link.token]);
    expect(byFlag.code).toBe(EXIT.ok);
    expect(byFlag.stderr).toMatch(/--token puts the token in the process list/);
  });

  it('a stale headless.json (its panel gone, the port taken by another process) is not used', async () => {
    const staleDir = path.join(root, 'stale');
    const link = PanelLink.parse(JSON.parse(readFileSync(linkFile, 'utf8')));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(staleDir, { recursive: true });
    // A catcher on a port of its own: the token must never reach it.
    const http = await import('node:http');
    const heard: string[] = [];
    const catcher = http.createServer((req, res) => {
      heard.push(req.headers.authorization ?? '');
      res.end();
    });
    catcher.on('upgrade', (req, socket) => {
      heard.push(String(req.headers.authorization));
      socket.destroy();
    });
    await new Promise<void>((resolve) => catcher.listen(0, '127.0.0.1', resolve));
    const port = (catcher.address() as { port: number }).port;
    try {
      // Written by a pid that is alive (this test runner) but started at another time.
      writeFileSync(
        path.join(staleDir, 'headless.json'),
        JSON.stringify({
          url: `http://127.0.0.1:${port}`,
          token: link.token,
          pid: process.pid,
          startTicks: '1',
        }),
        { mode: 0o600 },
      );
      const run = await cli(['status'], { dataDir: staleDir });
      expect(run.code).toBe(EXIT.connect);
      expect(run.stderr).toMatch(
        /left by a panel that is no longer running \(pid \d+\); its token was not sent/,
      );
      expect(heard).toEqual([]);
    } finally {
      catcher.close();
    }
  });

  it('a file over the message limit is refused as too large (exit 2), not "connection closed"', async () => {
    const big = path.join(root, 'big.json');
    writeFileSync(big, JSON.stringify({ pad: 'x'.repeat(300 * 1024) }));
    const run = await cli(['profile', 'import', big]);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toMatch(/the panel takes at most 256 KB per message/);
  });

  it('exits 2 on usage errors before connecting: bad tier, unknown command, missing options', async () => {
    for (const args of [
      ['tier', 'set', 'gold'],
      ['launch'],
      ['report', 'export', '--format', 'csv', '--period', '1h'],
      ['report', 'export', '--format', 'docx', '--period', '1h', '-o', 'x'],
      ['sla-test', '--probes', '5'],
      ['status', '--colour'],
    ]) {
      const run = await cli(args, { dataDir: path.join(root, 'nothing-here') });
      expect(run.code, args.join(' ')).toBe(EXIT.usage);
    }
    expect((await cli(['tier', 'set', 'gold'])).stderr).toMatch(/Unknown tier "gold": use one of free, pro/);
  });
});

// Late: pausing the panel disturbs its timing for a while after (SLA tests above would fail).
describe('a paused panel', () => {
  it('--timeout: a paused panel ends the call with exit 3 within the deadline', async () => {
    panel.kill('SIGSTOP');
    try {
      const began = Date.now();
      const run = await cli(['status', '--timeout', '2']);
      expect(run.code).toBe(EXIT.connect);
      expect(run.stderr).toMatch(/within 2 s \(--timeout\)|Cannot connect/);
      expect(Date.now() - began).toBeLessThan(10_000);
    } finally {
      panel.kill('SIGCONT');
    }
    expect((await cli(['status', '--timeout', 'x'])).code).toBe(EXIT.usage);
  });
});

describe('commands against the panel', () => {
  it('status shows the environment overrides with their source, refused ones with the reason', async () => {
    const run = await cli(['status', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { tier: string; status: unknown; profile: string | null };
    expect(COMMANDS['relay.status'].result.parse(result.status).state).toBe('stopped');
    const state = await json('profile.state', ['profile', 'list']);
    expect(state.environment.entries).toEqual([
      { name: 'GC_PERCENT', raw: '40', status: 'applied', value: '40' },
      {
        name: 'HIGH_PRIORITY',
        raw: 'maybe',
        status: 'refused',
        reason: 'HIGH_PRIORITY: must be 1, true, 0 or false',
      },
    ]);
    expect((await cli(['status'])).stdout).toMatch(/env GC_PERCENT\s+40 \(from environment\)/);
  });

  it('relay start: the environment override reaches the spawned relay, the refused one does not', async () => {
    const status = await json('relay.start', ['relay', 'start']);
    expect(status.state).toBe('running');
    const environ = readFileSync(`/proc/${status.pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain('GC_PERCENT=40');
    expect(environ).toContain('HIGH_PRIORITY=false');
    const gc = status.launch?.items.find((item) => item.name === 'GC_PERCENT');
    expect(gc).toMatchObject({ requested: '40', source: 'environment', tierDefault: 'default' });
  });

  it('tier set restarts the relay under the new tier', async () => {
    const change = await json('tier.set', ['tier', 'set', 'pro']);
    expect(change).toMatchObject({ from: 'free', to: 'pro' });
    expect(change.durationMs).toBeGreaterThan(0);
    expect(change.status.tier).toBe('pro');
  });

  it('profiles: apply production, export it and the config in effect, import the seed example', async () => {
    const applied = await json('profile.apply', ['profile', 'apply', 'production']);
    expect(applied.state.active).toBe('production');
    expect((await cli(['status'])).stdout).toMatch(/profile\s+production/);

    // In effect: enterprise with the panel's GC_PERCENT=40 (no saved override for it).
    const inEffect = await json('profile.export', ['profile', 'export']);
    expect(SeedConfig.parse(inEffect.file).performance_optimizations.gc_percent).toBe(40);
    const named = path.join(root, 'production.json');
    expect((await cli(['profile', 'export', '--name', 'production', '-o', named])).code).toBe(0);
    expect(ProfileFile.parse(JSON.parse(readFileSync(named, 'utf8')))).toMatchObject({
      name: 'production',
      tier: 'enterprise',
      performance_optimizations: { gc_percent: 25 },
    });

    const seedFile = path.join(root, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seedExample));
    const imported = await json('profile.import', ['profile', 'import', seedFile]);
    expect(imported.kind).toBe('applied');
    // The file's saved gc_percent 25 now outranks the environment's 40: it exports back unchanged.
    expect(JSON.parse((await cli(['profile', 'export'])).stdout)).toEqual(seedExample);
  });

  it('a refused import exits 1, names the key path, and leaves settings byte-identical', async () => {
    const settingsFile = path.join(dataDir, 'settings.json');
    const before = readFileSync(settingsFile);
    const bad = path.join(root, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...seedExample, performance_optimizations: { gc_percent: 5000 } }));
    const run = await cli(['profile', 'import', bad, '--json']);
    expect(run.code).toBe(EXIT.failed);
    const { error } = JSON.parse(run.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('PROFILE_INVALID');
    expect(error.message).toMatch(/performance_optimizations\.gc_percent: must be between -1 and 1000/);
    expect(readFileSync(settingsFile).equals(before)).toBe(true);
    expect((await cli(['profile', 'import', path.join(root, 'missing.json')])).code).toBe(EXIT.usage);
  });

  it('sla-test runs with plain progress lines on a non-terminal stderr', async () => {
    const run = await cli(['sla-test', '--tiers', 'free,pro', '--probes', '100', '--rate', '200', '--json']);
    expect(run.code, run.stderr + run.stdout.slice(0, 3000)).toBe(EXIT.ok);
    const result = COMMANDS['slaTest.run'].result.parse(JSON.parse(run.stdout));
    expect(result.tiers.map((t) => [t.tier, t.n])).toEqual([
      ['free', 100],
      ['pro', 100],
    ]);
    expect(run.stderr).toMatch(/^probing free \(1\/2\)\s+\d+%$/m);
    expect(run.stderr).not.toContain('\r');
  });

  it('Ctrl-C cancels a running SLA test on the panel and exits 130', async () => {
    const child = spawn(
      process.execPath,
      [
        'dist/cli/sprint-control.mjs',
        'sla-test',
        '--tiers',
        'free',
        '--probes',
        '5000',
        '--data-dir',
        dataDir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/probing free/.test(stderr)) resolve();
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(EXIT.interrupted);
    expect(stderr).toMatch(/Interrupted; cancelled on the panel/);
    // Cancelled, not still running: the next test is not refused as BUSY.
    const next = await cli(['sla-test', '--tiers', 'free', '--probes', '100', '--rate', '200']);
    expect(next.code, next.stderr).toBe(EXIT.ok);
  });

  it('report export writes the file and records the profile', async () => {
    const file = path.join(root, 'report.csv');
    const run = await cli(['report', 'export', '--format', 'csv', '--period', '1h', '-o', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('timestamp,latency_ms,ok,tier,late_ms,own_ms');
    expect((await cli(['profile', 'apply', 'production'])).code).toBe(0);
    const jsonFile = path.join(root, 'report.json');
    const jsonRun = await cli([
      'report',
      'export',
      '--format',
      'json',
      '--period',
      '1h',
      '-o',
      jsonFile,
      '--json',
    ]);
    const reported = JSON.parse(jsonRun.stdout) as { savedTo: string; summary: { profile: string | null } };
    expect(reported.savedTo).toBe(jsonFile);
    expect(reported.summary.profile).toBe('production');
    expect(JSON.parse(readFileSync(jsonFile, 'utf8')).summary).toMatchObject({
      tier: 'enterprise',
      profile: 'production',
    });
  });

  it('relay stop, and a command the panel refuses exits 1', async () => {
    expect((await json('relay.stop', ['relay', 'stop'])).state).toBe('stopped');
    const run = await cli(['profile', 'apply', 'nope']);
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr).toMatch(/No profile named "nope"\. \(PROFILE_INVALID\)/);
  });

  it('the token file goes away when the panel stops', async () => {
    const exited = new Promise((resolve) => panel.once('exit', resolve));
    panel.kill('SIGTERM');
    await exited;
    expect(existsSync(linkFile)).toBe(false);
  });
});
