import { useEffect, useState } from 'react';
import { RelayActionError, RelayControls } from './components/RelayControls';
import { StatePill } from './components/StatePill';
import { panelId, tabId, Tabs, type TabSpec } from './components/Tabs';
import { syncingOf, upstreamProblem } from '../shared/relay-status';
import { useProfileStore, useRelayStore } from './stores';
import { Dashboard } from './views/Dashboard';
import { Fleet } from './views/Fleet';
import { Logs } from './views/Logs';
import { Optimizations } from './views/Optimizations';
import { Reports } from './views/Reports';
import { SettingsView } from './views/Settings';

const VIEWS = ['dashboard', 'optimizations', 'logs', 'reports', 'fleet', 'settings'] as const;
type View = (typeof VIEWS)[number];

const TABS: readonly TabSpec<View>[] = [
  { key: 'dashboard', label: 'Dashboard' },
  { key: 'optimizations', label: 'Optimizations' },
  { key: 'logs', label: 'Logs' },
  { key: 'reports', label: 'Reports' },
  { key: 'fleet', label: 'Fleet' },
  { key: 'settings', label: 'Settings' },
];

const viewFromHash = (): View => {
  const hash = window.location.hash.replace(/^#\/?/, '');
  return (VIEWS as readonly string[]).includes(hash) ? (hash as View) : 'dashboard';
};

/** The selected view lives in the URL hash, so a reload (or the tray's "open logs") lands on it. */
function useView(): [View, (view: View) => void] {
  const [view, setView] = useState<View>(viewFromHash);
  useEffect(() => {
    const onHash = () => setView(viewFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const select = (next: View) => {
    setView(next);
    window.history.replaceState(null, '', `#${next}`);
  };
  return [view, select];
}

function Connection() {
  const connected = useRelayStore((state) => state.connected);
  return (
    <span className={`connection ${connected ? 'up' : 'down'}`} role="status">
      {connected ? 'Connected' : 'Connecting to the panel…'}
    </span>
  );
}

function HeaderState() {
  const state = useRelayStore((s) => s.status?.state ?? 'stopped');
  const tier = useRelayStore((s) => s.status?.tier ?? null);
  const profile = useProfileStore((s) => s.state?.active ?? null);
  const sync = useRelayStore((s) => syncingOf(s.status));
  const problem = useRelayStore((s) => upstreamProblem(s.status));
  return (
    <span className="header-state">
      <StatePill state={state} sync={sync} problem={problem} compact />
      {tier && <span className="tier-chip">{tier}</span>}
      {profile && (
        <span className="profile-chip" data-testid="header-profile" title="Active deployment profile">
          {profile}
        </span>
      )}
    </span>
  );
}

export function App() {
  const [view, setView] = useView();
  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ⚡
          </span>
          <h1>Sprint Control</h1>
        </div>
        <Tabs tabs={TABS} active={view} onSelect={setView} label="Views" />
        <div className="header-right">
          <Connection />
          <HeaderState />
          <RelayControls />
        </div>
      </header>
      <RelayActionError />
      <main
        className="app-main"
        role="tabpanel"
        id={panelId(view)}
        aria-labelledby={tabId(view)}
        tabIndex={-1}
      >
        {view === 'dashboard' && <Dashboard />}
        {view === 'optimizations' && <Optimizations />}
        {view === 'logs' && <Logs />}
        {view === 'reports' && <Reports />}
        {view === 'fleet' && <Fleet />}
        {view === 'settings' && <SettingsView />}
      </main>
    </div>
  );
}
