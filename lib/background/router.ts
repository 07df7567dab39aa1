/**
 * The background's door: who sent a message (our content script on a Datamolino page, or one of our own pages; anyone
 * else is refused), whether that sender may send it (the protocol's allow-list), whether it is well-formed (its zod
 * schema), then the handler. Every refusal and failure is answered in plain words; nothing is changed by a refusal.
 */
import { browser } from 'wxt/browser';
import { isDatamolinoUrl } from '../datamolino/urls';
import { t } from '../i18n';
import {
  BACKGROUND_MESSAGES,
  type BackgroundMessages,
  type BackgroundResponse,
  type Reply,
  type RequestOf,
  type SenderKind,
} from '../messages';
import { RefusedError, type Sender } from '../messaging';
import { describeZodError } from '../schemas';

/** The sender as the router established it. */
export interface From {
  kind: SenderKind;
  /** The page's origin ("https://app.datamolino.com", or the extension's own). */
  origin: string;
  /** The content script's tab. */
  tabId?: number;
}

export type Handlers = {
  [K in keyof BackgroundMessages]: (
    request: RequestOf<BackgroundMessages, K>,
    from: From,
  ) => Promise<BackgroundResponse<K>>;
};

/** Our content script on a Datamolino page, or one of our own extension pages; anything else is refused. */
export function senderOf(sender: Sender): From | undefined {
  if (sender.id !== browser.runtime.id || !sender.url) return undefined;
  let origin: string;
  try {
    origin = new URL(sender.url).origin;
  } catch {
    return undefined;
  }
  if (origin === new URL(browser.runtime.getURL('/')).origin) return { kind: 'page', origin };
  if (sender.tab?.id !== undefined && isDatamolinoUrl(sender.url))
    return { kind: 'content', origin, tabId: sender.tab.id };
  return undefined;
}

const isMessageType = (type: unknown): type is keyof BackgroundMessages =>
  typeof type === 'string' && Object.hasOwn(BACKGROUND_MESSAGES, type);

export function createRouter(handlers: Handlers) {
  return async function handleMessage(message: unknown, sender: Sender): Promise<Reply<unknown>> {
    const from = senderOf(sender);
    if (!from) return { ok: false, error: t('bgRouter.notOurs') };
    if (typeof message !== 'object' || message === null || Array.isArray(message))
      return { ok: false, error: t('bgRouter.notAnObject') };
    const { type } = message as { type?: unknown };
    if (!isMessageType(type)) return { ok: false, error: t('bgRouter.unknownType') };
    const spec = BACKGROUND_MESSAGES[type];
    if (!spec.from.includes(from.kind)) return { ok: false, error: t('bgRouter.notForPages', { type }) };
    const parsed = spec.request.safeParse(message);
    if (!parsed.success) return { ok: false, error: t('bgRouter.invalid', { why: describeZodError(parsed.error) }) };
    try {
      const handler = handlers[type] as (request: unknown, from: From) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.data, from) };
    } catch (error) {
      if (error instanceof RefusedError) return { ok: false, error: error.message };
      const why = error instanceof Error ? error.message : String(error);
      return { ok: false, error: t('bgRouter.somethingWentWrong', { error: why }) };
    }
  };
}
