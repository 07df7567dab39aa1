import { defineContentScript } from '#imports';
import { DATAMOLINO_MATCHES } from '@/lib/datamolino/hosts';

export default defineContentScript({
  matches: DATAMOLINO_MATCHES,
  runAt: 'document_idle',
  main() {
    document.documentElement.dataset.connectionDoctor = 'ready';
  },
});
