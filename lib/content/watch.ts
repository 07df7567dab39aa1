/**
 * The content script's work on a Datamolino page: one batched MutationObserver finds problems in what changed,
 * places the inline Fix UI, reports to the background, and runs the page actions of a fix flow.
 * Nothing runs while the page is idle.
 */

import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { findProblems, findProblemsIn, stillShowing } from '../datamolino/detect';
import type { Finding } from '../datamolino/findings';
import { readPage } from '../datamolino/read-page';
import type { Flow } from '../fix/flow';
import { manualSteps } from '../fix/step';
import { answerInPage, ask, RefusedError } from '../messaging';
import { type FlowKind, isActive } from '../model';
import { changeFilter } from './change-filter';
import { createFixElement, FIX_TAG } from './fix-button';
import { LazyPanel, loadFlowUi, PANEL_TAG } from './flow-ui';
import { isTarget, navigationType, refusalOf } from './page-checks';
import { Settle } from './settle';
import { say } from './words';

/** While a flow runs, page changes are reported at most this often. */
const FLOW_REPORT_MS = 150;
/** A report the background did not answer is sent again after this long, this many times in all. */
const REPORT_RETRY_MS = 400;
const REPORT_TRIES = 3;

const OUR_TAGS = new Set([FIX_TAG, PANEL_TAG]);

export function startPageWatch(ctx: ContentScriptContext) {
  const loadId = crypto.randomUUID();
  const shown = new Map<Element, { finding: Finding; host: HTMLElement }>();
  const ours = new WeakSet<Element>();
  let flow: Flow | undefined;
  const navigation = navigationType();
  const settle = new Settle(() => {
    report();
    sayLanguage();
  });
  let reportTimer: ReturnType<typeof setTimeout> | undefined;
  let reportQueued = false;
  const panel = new LazyPanel(
    {
      answer: (flowId, answer, connectAs) =>
        send(
          ask('answerFlow', { flowId, answer, ...(connectAs ? { connectAs } : {}) }),
          say('pageNotices.answerFailed'),
        ),
      start: (kind) => startFix(kind),
      close: (flowId) => {
        flow = undefined;
        panel.remove();
        send(ask('dismissFlow', { flowId }));
      },
      copyReport: async () => {
        try {
          const report = await ask('pageReport', {});
          await navigator.clipboard.writeText(report);
          return say('pageNotices.reportCopied');
        } catch (error) {
          return say('pageNotices.reportNotCopied', { error: (error as Error).message });
        }
      },
    },
    // A running fix whose panel cannot load is still said, once, in the browser's own dialog.
    (shown, error) => window.alert(say('pageNotices.panelFailed', { folder: shown.folderName, error: error.message })),
  );

  const options = () => ({ url: location.href });

  /**
   * The background's answer: a flow in it is shown. A refusal of something the user asked for (a click) is said in
   * the panel; other refusals are logged (also when the extension was updated or reloaded: this page's script is
   * orphaned, and ctx.onInvalidated cleans up).
   */
  function send(reply: Promise<{ flow: Flow | null } | null>, asked?: string): void {
    reply.then(
      (value) => value && showFlow(value.flow),
      (error: Error) => {
        if (!asked) return console.warn('Connection Doctor:', error.message);
        panel.notice({
          title: asked,
          detail: say(ctx.isInvalid ? 'pageNotices.nothingClickedUpdated' : 'pageNotices.nothingClicked', {
            error: error.message,
          }),
        });
      },
    );
  }

  function startFix(kind: FlowKind, finding?: Finding) {
    const page = snapshot();
    if (!page.folderId) {
      // The page's address names no folder: a fix would not know where it is, so it says so instead.
      panel.notice({
        title: say('pageNotices.noFolder'),
        detail: say('pageNotices.noFolderDetail'),
        manualSteps: manualSteps({
          provider: finding?.provider ?? page.provider,
          folderName: page.folderName ?? say('pageNotices.theFolder'),
        }),
        report: true,
      });
      return;
    }
    send(
      ask('startFix', { origin: page.origin, folderId: page.folderId, flow: kind, documentId: finding?.documentId }),
      say('pageNotices.startFailed'),
    );
  }

  function place(finding: Finding) {
    const existing = shown.get(finding.anchor);
    if (existing?.host.isConnected && existing.host.previousElementSibling === finding.anchor) return;
    existing?.host.remove();
    // A Xero export refused with Forbidden access can also be tested right away: Draft or not?
    const more =
      finding.problem === 'forbidden' && finding.provider === 'xero' && finding.documentId
        ? [{ label: say('pageFix.draftTest'), run: () => startFix('draft-test', finding) }]
        : [];
    const host = createFixElement(finding, () => startFix('fix', finding), more);
    finding.anchor.after(host);
    ours.add(host);
    shown.set(finding.anchor, { finding, host });
    // Imitations of our element the page added while nothing was shown (added ones are removed as they come).
    for (const other of [...document.getElementsByTagName(FIX_TAG)]) removeCopy(other);
  }

  /** Drops the UI of problems that are gone; puts back UI the page's re-render removed. Returns whether anything changed. */
  function sweep(): boolean {
    let changed = false;
    for (const [anchor, { finding, host }] of shown) {
      if (!stillShowing(finding)) {
        host.remove();
        shown.delete(anchor);
        changed = true;
      } else if (!host.isConnected || host.previousElementSibling !== anchor) {
        place(finding);
      }
    }
    return changed;
  }

  const snapshot = () => {
    const page = readPage(
      document,
      location.href,
      [...shown.values()].map((s) => s.finding),
      loadId,
      settle.settled,
    );
    return navigation ? { ...page, navigation } : page;
  };

  /**
   * A Datamolino page in a language Connection Doctor has no verified texts for: said once, in the page (the popup
   * says it on the folder's row), instead of silently finding nothing.
   */
  function sayLanguage() {
    if (flow) return;
    const reason = snapshot().unrecognised;
    if (!reason?.startsWith('language:')) return;
    panel.notice({
      title: say('pageNotices.englishOnly'),
      detail: say('pageNotices.englishOnlyDetail'),
    });
  }

  /**
   * A report the background did not answer (its worker was stopping, or starting again) is sent again, read afresh,
   * a few times: a flow waiting on this page must not wait for the next alarm to learn of it. A refusal is not.
   */
  function report(tries = REPORT_TRIES) {
    reportQueued = false;
    ask('pageSeen', { page: snapshot() }).then(
      (value) => value && showFlow(value.flow),
      (error: Error) => {
        if (tries > 1 && !ctx.isInvalid && !(error instanceof RefusedError))
          ctx.setTimeout(() => report(tries - 1), REPORT_RETRY_MS);
        else console.warn('Connection Doctor:', error.message);
      },
    );
  }

  /** Reports soon, once per batch of changes (and at most every FLOW_REPORT_MS while a flow runs). */
  function queueReport() {
    if (reportQueued) return;
    reportQueued = true;
    if (flow && isActive(flow)) reportTimer = setTimeout(report, FLOW_REPORT_MS);
    else queueMicrotask(report);
  }

  function showFlow(next: Flow | null) {
    // No flow: a panel that showed one goes; a notice (a page it cannot read, another language) stays until closed.
    const hadFlow = flow !== undefined;
    flow = next ?? undefined;
    if (!flow) return hadFlow && panel.remove();
    panel.render(flow);
  }

  /** Our tag in the page that we did not put there (a copied element, or an imitation): removed. */
  function removeCopy(el: Element) {
    if (el.localName === FIX_TAG && !ours.has(el)) el.remove();
  }

  const { mayAddProblem, mayShowProblem } = changeFilter();

  /**
   * A change our own elements alone made (the panel or a Fix button added, or changing inside): not the page's. A
   * removal is always looked at: the page's re-render may have removed our element.
   */
  function oursOnly(record: MutationRecord): boolean {
    if (OUR_TAGS.has((record.target as Element).localName)) return true;
    if (record.type !== 'childList' || record.removedNodes.length > 0 || record.addedNodes.length === 0) return false;
    return [...record.addedNodes].every((node) => {
      const name = (node as Element).localName;
      return name === PANEL_TAG || (name === FIX_TAG && ours.has(node as Element));
    });
  }

  const observer = new MutationObserver((records) => {
    // Our own UI is neither news for the background nor a sign that the page is still busy.
    if (records.every(oursOnly)) return;
    settle.changed();
    const roots = new Set<Node>();
    let removedOrHidden = false;
    // With nothing shown and no flow running, only new problems matter: a busy page replaces hundreds of texts per
    // frame, and those without a key word are passed over before anything else of the record is read.
    const onlyNewProblems = shown.size === 0 && !(flow && isActive(flow));
    for (const record of records) {
      if (onlyNewProblems && record.type === 'childList' && !mayAddProblem(record)) continue;
      // aria-busy tells only when the page is done (above); a class or style change can show or hide a message, and
      // with nothing shown yet only one whose text may hold a message is looked at.
      if (record.type === 'attributes' && record.attributeName === 'aria-busy') continue;
      if (onlyNewProblems && record.type === 'attributes' && !mayShowProblem(record.target)) continue;
      const target = record.target;
      if (OUR_TAGS.has((target as Element).localName)) continue;
      if (record.type === 'childList') {
        for (const node of record.addedNodes) {
          if (OUR_TAGS.has((node as Element).localName)) {
            removeCopy(node as Element);
            continue;
          }
          roots.add(node);
          // A re-render that copies markup (innerHTML) also copies our element, without its shadow root.
          if (node.nodeType === Node.ELEMENT_NODE)
            for (const copy of [...(node as Element).getElementsByTagName(FIX_TAG)]) removeCopy(copy);
        }
        if (record.removedNodes.length) removedOrHidden = true;
      } else if (record.type === 'characterData') {
        roots.add(target.parentNode ?? target);
        removedOrHidden = true;
      } else {
        roots.add(target);
        removedOrHidden = true;
      }
    }
    if (roots.size === 0 && !removedOrHidden) return;
    let changed = removedOrHidden && shown.size > 0 ? sweep() : false;
    for (const finding of findProblemsIn(roots, options())) {
      if (shown.has(finding.anchor)) continue;
      place(finding);
      changed = true;
    }
    if (changed || (flow && isActive(flow))) queueReport();
  });

  // Messages from the background: page actions of a running flow, flow updates, snapshot requests.
  const unlisten = answerInPage(
    {
      flowChanged: (req) => {
        showFlow(req.flow);
        return null;
      },
      snapshot: () => snapshot(),
      stopLoading: () => {
        // As the browser's Stop button: the page Datamolino never sent stops loading, this one stays.
        window.stop();
        return null;
      },
      runAction: async (req) => {
        // A change is made only on the folder (and document) the flow is about, checked here again from the address.
        if (req.target && !isTarget(req.target))
          return { ok: false, elsewhere: true, loadId, error: say('pageRefusals.otherPage') };
        const ui = await loadFlowUi().catch((error: Error) => error);
        if (ui instanceof Error) return { ok: false, unable: true, loadId, error: ui.message };
        const { prepareAction } = ui;
        const { result, commit } = await prepareAction(document, req.action, flow?.provider ?? 'unknown');
        // Act after answering: the action may unload this page.
        if (commit) setTimeout(commit, 0);
        return { ...result, loadId };
      },
    },
    refusalOf,
  );

  for (const finding of findProblems(document.body, options())) place(finding);
  observer.observe(document.body, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['hidden', 'style', 'class', 'aria-hidden', 'aria-busy', 'open', 'inert'],
  });
  report();
  // Once after load, when the page's own scripts have shown their status (banners arrive late): a report the
  // health store and flows can trust to say "no banner".
  settle.check();
  ctx.onInvalidated(() => settle.stop());

  ctx.addEventListener(window, 'wxt:locationchange', () => {
    sweep();
    for (const finding of findProblems(document.body, options())) place(finding);
    report();
  });

  ctx.onInvalidated(() => {
    observer.disconnect();
    clearTimeout(reportTimer);
    unlisten();
    for (const { host } of shown.values()) host.remove();
    shown.clear();
    panel.remove();
  });
}
