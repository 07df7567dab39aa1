/**
 * Stand-ins for two zod schemas, built from parts the bundles have anyway: z.record's and z.int's own classes would
 * add about 0.65 KB gzip to the background bundle, which is held to a size budget. On the JSON-like values that
 * reach them (stored items, messages, provider answers) they accept and reject what the schemas they replace do
 * (test/unit/zod-lean.test.ts).
 */
import * as z from 'zod/mini';

/**
 * z.record(z.string(), value): an object whose every key's value must match `value`. Like z.record, it refuses
 * arrays and null and skips a `__proto__` key; unlike it, it does not ask for a plain object (JSON has no other).
 */
export const stringRecord = <T extends z.core.SomeType>(value: T) => z.catchall(z.object({}), value);

/** z.int(): a safe integer. A refusal says "expected int", as z.int's does. */
export const int = () => z.number().check(z.refine(Number.isSafeInteger, 'expected int'));
