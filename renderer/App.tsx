import { Dashboard } from './views/Dashboard';
import { useRelayStore } from './stores';

export function App() {
  const connected = useRelayStore((state) => state.connected);
  return (
    <div className="app">
      <header className="app-header">
        <h1>Sprint Control</h1>
        <span className={`connection ${connected ? 'up' : 'down'}`} role="status">
          {connected ? 'Connected' : 'Connecting to the panel…'}
        </span>
      </header>
      <main className="app-main">
        <Dashboard />
      </main>
    </div>
  );
}
