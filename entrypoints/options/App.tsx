import { OptionsPage } from '@/components/OptionsPage';

export function App() {
  return <OptionsPage />;
}
