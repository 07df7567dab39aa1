/**
 * Plain-words text for a zod issue. zod/mini carries no locale (that keeps every bundle small), so the few issue
 * kinds our schemas can raise are worded here. Values are never repeated: they may be codes or tokens.
 */
import type * as z from 'zod/mini';

type Issue = z.core.$ZodIssue;

function bound(origin: unknown, word: 'long' | 'short', limit: unknown): string {
  if (origin === 'string') return `too ${word} (at ${word === 'long' ? 'most' : 'least'} ${String(limit)} characters)`;
  if (origin === 'array' || origin === 'set')
    return `too ${word === 'long' ? 'many' : 'few'} items (at ${word === 'long' ? 'most' : 'least'} ${String(limit)})`;
  return `too ${word === 'long' ? 'large' : 'small'} (at ${word === 'long' ? 'most' : 'least'} ${String(limit)})`;
}

export function describeIssue(issue: Issue): string {
  // A message written into the schema wins; without a locale zod/mini's own is only "Invalid input".
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_big':
      return bound(issue.origin, 'long', issue.maximum);
    case 'too_small':
      return bound(issue.origin, 'short', issue.minimum);
    case 'unrecognized_keys':
      return `unexpected ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return 'note' in issue && issue.note === 'No matching discriminator'
        ? 'unknown type'
        : 'matches none of the expected shapes';
    case 'invalid_format':
      return `not a valid ${issue.format}`;
    default:
      return 'invalid value';
  }
}

/** "path.to.field: what is wrong" for the first `limit` issues. */
export function describeIssues(error: z.core.$ZodError, limit = 3): string {
  return error.issues
    .slice(0, limit)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${describeIssue(issue)}` : describeIssue(issue)))
    .join('; ');
}
