import { StatusCard } from '../components/StatusCard';
import { RelayControls } from '../components/RelayControls';

export function Dashboard() {
  return (
    <section className="dashboard" aria-label="Dashboard">
      <StatusCard />
      <RelayControls />
    </section>
  );
}
