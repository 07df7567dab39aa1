import { defineBackground } from '#imports';

export default defineBackground({
  type: 'module',
  main() {},
});
