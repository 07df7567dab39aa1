/**
 * The zod schemas of the domain's words (lib/model.ts), and the bounded strings every message and stored value is
 * made of. zod's refusals ("Too big: expected at most 64 characters") are worded from the extension's messages
 * (lib/i18n.ts) rather than zod's English locale (0.9 KB gzip of the background's 48 KiB budget), and zod never tries
 * eval (the extension's pages forbid it).
 */
import * as z from 'zod/mini';
import { t } from './i18n';
import {
  APPROVAL_STATUSES,
  BATCH_ITEM_STATES,
  BATCH_KINDS,
  BATCH_STATUSES,
  FLOW_KINDS,
  FLOW_STATUSES,
  FOLDER_STATES,
  FORESIGHT_LEVELS,
  PROVIDER_APP_MODES,
  PROVIDER_NAMES,
  PROVIDER_STATES,
  PROVIDERS,
} from './model';

const typeOf = (input: unknown) => (input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input);
const quoted = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join('|');

z.config({
  // Extension pages forbid eval (script-src 'self'): zod's compiled fast path would only try `new Function` and fail
  // (a CSP violation report) on the first object it checks.
  jitless: true,
  localeError: (issue) => {
    switch (issue.code) {
      case 'invalid_type':
        return t('schema.invalidType', { expected: issue.expected, received: typeOf(issue.input) });
      case 'too_big':
        return t(issue.origin === 'string' ? 'schema.tooLong' : 'schema.tooBig', { maximum: String(issue.maximum) });
      case 'too_small':
        return t(issue.origin === 'string' ? 'schema.tooShort' : 'schema.tooSmall', { minimum: String(issue.minimum) });
      case 'invalid_value':
        return t('schema.invalidOption', { values: quoted(issue.values) });
      case 'unrecognized_keys':
        return t('schema.unknownKeys', { keys: issue.keys.join(', ') });
      default:
        return t('schema.invalid');
    }
  },
});

export const ProviderIdSchema = z.enum(PROVIDERS);
export const ProviderNameSchema = z.enum(PROVIDER_NAMES);
export const FlowKindSchema = z.enum(FLOW_KINDS);
export const FlowStatusSchema = z.enum(FLOW_STATUSES);
export const FolderStateSchema = z.enum(FOLDER_STATES);
export const ApprovalStatusSchema = z.enum(APPROVAL_STATUSES);
export const BatchKindSchema = z.enum(BATCH_KINDS);
export const BatchStatusSchema = z.enum(BATCH_STATUSES);
export const BatchItemStateSchema = z.enum(BATCH_ITEM_STATES);
export const ProviderAppModeSchema = z.enum(PROVIDER_APP_MODES);
export const ProviderStateSchema = z.enum(PROVIDER_STATES);
export const ForesightLevelSchema = z.enum(FORESIGHT_LEVELS);

/** An id from a page or the extension (folder, document, flow, batch). */
export const id = () => z.string().check(z.maxLength(64));
/** A text read from a page (a name, a message). */
export const text = () => z.string().check(z.maxLength(2000));
/** A URL read from a page or stored. */
export const url = () => z.string().check(z.maxLength(2000));
/** A page's origin ("https://app.datamolino.com"). */
export const origin = () => z.string().check(z.maxLength(200));

/** `{ [key]: value }`: a JSON object whose every value matches. */
export const recordOf = <T extends z.core.SomeType>(value: T) => z.record(z.string(), value);

/** Plain words for what is wrong with a value: "at path.to.field: what". */
export function describeZodError(error: z.core.$ZodError, limit = 1): string {
  return error.issues
    .slice(0, limit)
    .map((issue) => (issue.path.length ? `at ${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
