/** Asks the background and unwraps its reply; a refusal becomes an Error with the background's words. */
import { browser } from 'wxt/browser';
import type { BackgroundRequest, Reply } from '@/lib/messages';

export async function ask<T>(message: BackgroundRequest): Promise<T> {
  const reply = (await browser.runtime.sendMessage(message)) as Reply<T> | undefined;
  if (!reply) throw new Error('Connection Doctor’s background did not answer. Try again.');
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}
