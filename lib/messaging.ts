/**
 * Sending and answering the protocol's messages (lib/messages.ts), typed from its table, over the one browser API
 * (webextension-polyfill through wxt/browser). No zod here: the content script uses this too, and the background
 * checks every request where it arrives (lib/background/router.ts).
 *
 * Our own rather than @webext-core/messaging 4, which calls chrome.* directly beside the polyfill, allows one handler
 * per message type in a context, and wraps requests in an envelope of its own: with it, the background's sender check,
 * allow-list and request schemas would still be ours, written around its per-type handlers.
 */
import { type Browser, browser } from 'wxt/browser';
import type {
  BackgroundMessages,
  BackgroundRequest,
  BackgroundResponse,
  ContentMessages,
  ContentRequest,
  ContentResponse,
  Reply,
  RequestOf,
} from './messages';

/** A refusal or failure the background or a page answered with, in its own words. */
export class RefusedError extends Error {
  override name = 'RefusedError';
}

/** No answer came (nothing listened, or the worker stopped before answering): worth asking again, unlike a refusal. */
function unwrap<T>(reply: Reply<T> | undefined, who: string): T {
  if (!reply || typeof reply !== 'object' || !('ok' in reply)) throw new Error(`${who} did not answer.`);
  if (!reply.ok) throw new RefusedError(reply.error);
  return reply.value;
}

/** Asks the background (from an extension page or the content script); throws its refusal as a RefusedError. */
export async function ask<K extends keyof BackgroundMessages>(
  type: K,
  request: RequestOf<BackgroundMessages, K>,
): Promise<BackgroundResponse<K>> {
  const reply = (await browser.runtime.sendMessage({ type, ...request })) as Reply<BackgroundResponse<K>> | undefined;
  return unwrap(reply, 'Connection Doctor’s background');
}

/** Asks the content script in a tab (from the background). Rejects when no content script answers there. */
export async function askTab<K extends keyof ContentMessages>(
  tabId: number,
  type: K,
  request: RequestOf<ContentMessages, K>,
): Promise<ContentResponse<K>> {
  const reply = (await browser.tabs.sendMessage(tabId, { type, ...request })) as Reply<ContentResponse<K>> | undefined;
  return unwrap(reply, 'The page');
}

export type ContentHandlers = {
  [K in keyof ContentMessages]: (request: ContentRequest<K>) => Promise<ContentResponse<K>> | ContentResponse<K>;
};

/**
 * Answers the background's messages in a content script. A message whose type has no handler is refused (the
 * background and this script may be of different versions for a moment, after an update). Returns the unlisten.
 */
export function answerInPage(handlers: ContentHandlers, check: (request: ContentRequest) => string | undefined) {
  const listener = (message: unknown): Promise<Reply<unknown>> => {
    const type = (message as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !Object.hasOwn(handlers, type))
      return Promise.resolve({ ok: false, error: 'Unknown request.' });
    const request = message as ContentRequest;
    const refusal = check(request);
    if (refusal) return Promise.resolve({ ok: false, error: refusal });
    const handler = handlers[request.type] as (request: ContentRequest) => unknown;
    return Promise.resolve()
      .then(() => handler(request))
      .then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}

export type Sender = Browser.runtime.MessageSender;
export type { BackgroundRequest };
