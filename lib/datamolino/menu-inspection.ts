/**
 * Which items the Folder Menu has, as the content script read them (nothing clicked). Apart from the page schemas
 * (snapshot.ts): a stored flow keeps it, and the popup checks stored flows before its first frame.
 */
import * as z from 'zod/mini';

export const MenuInspection = z.object({
  found: z.boolean(),
  refresh: z.boolean(),
  disconnect: z.boolean(),
  connect: z.boolean(),
});
export type MenuInspection = z.infer<typeof MenuInspection>;
