import { defineBackground } from '#imports';
import { startBackground } from '@/lib/background/index';

export default defineBackground({
  main() {
    startBackground();
  },
});
