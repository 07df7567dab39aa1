/** Our content script's isolated world on a Datamolino page, for tests that speak as the content script does. */
import { type BrowserContext, expect, type Page } from '@playwright/test';

/** Runs `expression` inside our content script's isolated world on `page` (as if the content script sent it). */
export async function inContentScript(context: BrowserContext, page: Page, expression: string): Promise<unknown> {
  const session = await context.newCDPSession(page);
  const contexts: { id: number; name: string; auxData?: { type?: string } }[] = [];
  session.on('Runtime.executionContextCreated', ({ context: c }) => contexts.push(c));
  await session.send('Runtime.enable');
  await expect
    .poll(() => contexts.some((c) => c.auxData?.type === 'isolated' && c.name.includes('Connection Doctor')))
    .toBe(true);
  const world = contexts.find((c) => c.auxData?.type === 'isolated' && c.name.includes('Connection Doctor'))!;
  const { result, exceptionDetails } = await session.send('Runtime.evaluate', {
    expression,
    contextId: world.id,
    awaitPromise: true,
    returnByValue: true,
  });
  await session.detach();
  if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
  return result.value;
}
