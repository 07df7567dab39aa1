import { defineBackground } from '#imports';
import { registerBackground } from '@/lib/background/service';

export default defineBackground({
  main() {
    registerBackground();
  },
});
