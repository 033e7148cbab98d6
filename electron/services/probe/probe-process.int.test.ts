import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProbeProcess, type ProbeExit, type ProbeState } from './probe-process';

/**
 * The probe under the relay's supervisor (ManagedProcess): a real process that dies at once, every
 * time, with exit code 2 (which stops the relay for good). The probe is restarted anyway, past the
 * relay's crash-loop count, with the shared capped backoff.
 */
let dir: string;
let probe: ProbeProcess | null = null;

afterEach(async () => {
  await probe?.stop();
  probe = null;
  rmSync(dir, { recursive: true, force: true });
});

function crashingProbe(script: string) {
  dir = mkdtempSync(path.join(os.tmpdir(), 'probe-process-'));
  const file = path.join(dir, 'probe.mjs');
  writeFileSync(file, script);
  const p = new ProbeProcess({
    execPath: process.execPath,
    script: file,
    argvPrefix: [],
    env: { PATH: process.env.PATH },
    apiUrl: 'http://127.0.0.1:9',
    key: 'k'.repeat(32),
    rateHz: 10,
    backoff: { initialMs: 20, capMs: 80, stableMs: 60_000 },
  });
  const exits: ProbeExit[] = [];
  const states: ProbeState[] = [];
  const warnings: string[] = [];
  p.on('exit', (exit) => exits.push(exit));
  p.on('state', (state) => states.push(state));
  p.on('warning', (message) => warnings.push(message));
  return { p, exits, states, warnings };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the probe under ManagedProcess', () => {
  it('restarts a probe that keeps dying, with the capped backoff, past the relay crash-loop count', async () => {
    const run = crashingProbe("process.stderr.write('cannot reach the relay\\n'); process.exit(2);\n");
    probe = run.p;
    run.p.start();
    await until(() => run.exits.length >= 7, 'seven exits');
    const delays = run.exits.slice(0, 7).map((e) => e.restartInMs);
    expect(delays).toEqual([20, 40, 80, 80, 80, 80, 80]);
    expect(run.exits.every((e) => !e.expected && e.code === 2)).toBe(true);
    expect(run.exits[0]!.stderrTail).toEqual(['cannot reach the relay']);
    expect(run.states).toContain('restarting');
    expect(run.states.at(-1)).not.toBe('stopped');
    await run.p.stop();
    expect(run.p.state).toBe('stopped');
    expect(run.p.pid).toBeNull();
    const after = run.exits.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(run.exits.length).toBe(after);
  });

  it('a stop is an expected exit: no restart, no crash reported', async () => {
    const run = crashingProbe(
      "process.stdout.write(JSON.stringify({ type: 'hello', pid: process.pid, rateHz: 10, timeoutMs: 1000 }) + '\\n'); setInterval(() => {}, 1000);\n",
    );
    probe = run.p;
    run.p.start();
    await until(() => run.p.state === 'waiting-for-block', 'hello');
    const pid = run.p.pid;
    expect(pid).toBeGreaterThan(0);
    await run.p.stop();
    expect(run.exits).toEqual([expect.objectContaining({ expected: true, restartInMs: null })]);
    expect(() => process.kill(pid!, 0)).toThrow();
    expect(run.warnings).toEqual([]);
  });
});
