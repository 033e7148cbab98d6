import { BlockChart } from '../components/charts/BlockChart';
import { LatencyPanel } from '../components/charts/LatencyPanel';
import { ResourcesCard } from '../components/charts/ResourcesCard';
import { PeersCard } from '../components/peers/PeersCard';
import { SlaCard } from '../components/SlaCard';
import { StatusCard } from '../components/StatusCard';
import { TierSwitcher } from '../components/TierSwitcher';

export function Dashboard() {
  return (
    <section className="dashboard" aria-label="Dashboard">
      <StatusCard />
      <TierSwitcher />
      <LatencyPanel />
      <SlaCard />
      <BlockChart />
      <ResourcesCard />
      <PeersCard />
    </section>
  );
}
