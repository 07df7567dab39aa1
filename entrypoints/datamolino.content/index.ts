import { defineContentScript } from '#imports';
import { startPageWatch } from '@/lib/content/watch';
import { DATAMOLINO_MATCHES } from '@/lib/datamolino/urls';

export default defineContentScript({
  matches: DATAMOLINO_MATCHES,
  runAt: 'document_idle',
  main(ctx) {
    startPageWatch(ctx);
  },
});
