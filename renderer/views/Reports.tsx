import { ExportCard } from '../components/reports/ExportCard';
import { SlaTestCard } from '../components/reports/SlaTestCard';

export function Reports() {
  return (
    <section className="reports-view" aria-label="Reports">
      <SlaTestCard />
      <ExportCard />
    </section>
  );
}
