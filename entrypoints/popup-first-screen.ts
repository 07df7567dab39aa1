/** Run by popup.html before its modules load: starts the popup's first storage read (components/first-screen-read.ts). */
import { defineUnlistedScript } from '#imports';
import { startFirstScreenRead } from '@/components/first-screen-read';

export default defineUnlistedScript(startFirstScreenRead);
