import { HealthPanel, type PopupData } from '@/components/HealthPanel';

export function App({ firstScreen }: { firstScreen?: PopupData }) {
  return <HealthPanel firstScreen={firstScreen} />;
}
