import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { RELAY_STATES, type RelayStatus } from '../../shared/relay-status';
import { TIER_NAMES } from '../../shared/tiers';
import { TRAY_ICON_NAMES, trayMenuTemplate, trayView, trayViewKey, type TrayActions } from './tray-model';

const status = (overrides: Partial<RelayStatus>): RelayStatus => ({
  state: 'stopped',
  pid: null,
  startedAt: null,
  restarts: 0,
  tier: 'free',
  lastExit: null,
  ports: null,
  message: null,
  nextRestartAt: null,
  launch: null,
  upstream: null,
  stderrTail: [],
  ...overrides,
});

const actions = (): TrayActions & Record<string, ReturnType<typeof vi.fn>> => ({
  onStart: vi.fn(),
  onStop: vi.fn(),
  onSelectTier: vi.fn(),
  onShow: vi.fn(),
  onQuit: vi.fn(),
});

const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as (() => void) | undefined)?.();

describe('trayView', () => {
  it('colours the icon by state: green, amber, red, grey', () => {
    expect(trayView(status({ state: 'running' })).icon).toBe('running');
    expect(trayView(status({ state: 'degraded' })).icon).toBe('degraded');
    expect(trayView(status({ state: 'backoff' })).icon).toBe('degraded');
    expect(trayView(status({ state: 'crash-loop' })).icon).toBe('crash-loop');
    expect(trayView(status({ state: 'stopped' })).icon).toBe('stopped');
  });

  it('has an icon for every state', () => {
    for (const state of RELAY_STATES) expect(TRAY_ICON_NAMES).toContain(trayView(status({ state })).icon);
  });

  it('offers Start where nothing runs and Stop where something does', () => {
    expect(trayView(status({ state: 'stopped' }))).toMatchObject({ canStart: true, canStop: false });
    expect(trayView(status({ state: 'running' }))).toMatchObject({ canStart: false, canStop: true });
    expect(trayView(status({ state: 'backoff' }))).toMatchObject({ canStart: false, canStop: true });
    expect(trayView(status({ state: 'crash-loop' }))).toMatchObject({ canStart: true, canStop: true });
    expect(trayView(status({ state: 'stopping' }))).toMatchObject({ canStart: false, canStop: false });
  });

  it('gives the same key for statuses the tray shows alike (upstream polls, uptime)', () => {
    const a = status({ state: 'running', tier: 'turbo', pid: 10, upstream: null });
    const b = status({
      state: 'running',
      tier: 'turbo',
      pid: 10,
      upstream: { state: 'connected', peers: [], tip: { height: 5, hash: 'ab' } },
    });
    expect(trayViewKey(trayView(a))).toBe(trayViewKey(trayView(b)));
    expect(trayViewKey(trayView(a))).not.toBe(
      trayViewKey(trayView(status({ state: 'running', tier: 'pro' }))),
    );
  });

  it('says the relay is syncing headers, with progress, instead of Running while it catches up', () => {
    const sync = {
      state: 'syncing' as const,
      height: 412_000,
      targetHeight: 925_000,
      progress: 0.445,
      headersPerSecond: 200_000,
      etaSeconds: 3,
    };
    const view = trayView(
      status({ state: 'running', upstream: { state: 'ready', peers: [], tip: null, sync } }),
    );
    expect(view.statusLabel).toBe('Relay: Syncing headers 412,000 / 925,000 · ETA 3 s · Free');
    const synced = trayView(
      status({
        state: 'running',
        upstream: { state: 'ready', peers: [], tip: null, sync: { ...sync, state: 'synced' } },
      }),
    );
    expect(synced.statusLabel).toMatch(/^Relay: Running/);
  });
});

describe('trayMenuTemplate', () => {
  it('lists the five tiers as radio items with the current one checked', () => {
    const menu = trayMenuTemplate(trayView(status({ tier: 'business' })), actions());
    const tiers = menu.find((item) => item.label === 'Tier')?.submenu as MenuItemConstructorOptions[];
    expect(tiers.map((item) => item.label)).toEqual(['Free', 'Pro', 'Business', 'Turbo', 'Enterprise']);
    expect(tiers.every((item) => item.type === 'radio')).toBe(true);
    expect(tiers.filter((item) => item.checked).map((item) => item.label)).toEqual(['Business']);
    expect(tiers).toHaveLength(TIER_NAMES.length);
  });

  it('calls the actions, and selecting the current tier again does nothing', () => {
    const spy = actions();
    const menu = trayMenuTemplate(trayView(status({ tier: 'pro' })), spy);
    const byLabel = (label: string) => menu.find((item) => item.label === label);
    click(byLabel('Start relay'));
    click(byLabel('Stop relay'));
    click(byLabel('Show Sprint Control'));
    click(byLabel('Quit Sprint Control'));
    const tiers = byLabel('Tier')?.submenu as MenuItemConstructorOptions[];
    click(tiers.find((item) => item.label === 'Pro'));
    click(tiers.find((item) => item.label === 'Enterprise'));
    expect(spy.onStart).toHaveBeenCalledOnce();
    expect(spy.onStop).toHaveBeenCalledOnce();
    expect(spy.onShow).toHaveBeenCalledOnce();
    expect(spy.onQuit).toHaveBeenCalledOnce();
    expect(spy.onSelectTier).toHaveBeenCalledExactlyOnceWith('enterprise');
  });

  it('shows the state and disables what does not apply', () => {
    const menu = trayMenuTemplate(trayView(status({ state: 'running', tier: 'turbo' })), actions());
    expect(menu[0]).toMatchObject({ label: 'Relay: Running · Turbo', enabled: false });
    expect(menu.find((item) => item.label === 'Start relay')?.enabled).toBe(false);
    expect(menu.find((item) => item.label === 'Stop relay')?.enabled).toBe(true);
  });
});
