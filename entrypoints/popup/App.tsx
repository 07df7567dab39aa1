import { HealthPanel } from '@/components/HealthPanel';

export function App() {
  return <HealthPanel />;
}
