/** Run by popup.html before the popup's script loads: starts the popup's first storage read (components/first-screen-read.ts). */
import { defineUnlistedScript } from '#imports';
import { startFirstScreenRead } from '@/components/first-screen-read';

export default defineUnlistedScript(startFirstScreenRead);
