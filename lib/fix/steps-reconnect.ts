/** The hard reset: check the menu, ask, Disconnect, Connect, the user's consent at the provider. */
import { t } from '../i18n';
import { confirmation, goToFolder, manualSteps, onFolder, provider, type Step } from './step';

export const preflight: Step = {
  id: 'preflight',
  label: () => t('fixReconnect.preflightLabel'),
  check: (page, flow) => {
    // Without the provider the folder could not be connected again: nothing is disconnected.
    if (flow.provider === 'unknown')
      return {
        fail: {
          ok: false,
          title: t('fixReconnect.whichSoftwareTitle'),
          detail: t('fixReconnect.whichSoftwareDetail'),
          next: [],
          manualSteps: manualSteps(flow),
        },
      };
    if (page.kind === 'connect-screen' || page.kind === 'connect-choice') return { done: true };
    const menu = flow.ctx.menu;
    if (!menu && !onFolder(page, flow)) return goToFolder(flow);
    if (!menu) return { act: { op: 'inspect-menu' }, message: t('fixReconnect.checkingMenu') };
    if (!menu.found || !menu.disconnect)
      return {
        fail: {
          ok: false,
          title: t(menu.found ? 'fixReconnect.noDisconnectTitle' : 'fixReconnect.noMenuTitle'),
          detail: t('fixReconnect.noDisconnectDetail'),
          next: [],
          manualSteps: manualSteps(flow),
        },
      };
    return { done: true };
  },
};

export const confirmReconnect = confirmation(
  (flow) =>
    t('fixReconnect.confirm', { folder: flow.folderName, provider: provider(flow) }) +
    (flow.provider === 'freeagent' ? ` ${t('fixReconnect.confirmFreeAgent')}` : ''),
);

export const disconnect: Step = {
  id: 'disconnect',
  label: (f) => t('fixReconnect.disconnectLabel', { provider: provider(f) }),
  check: (page, flow) => {
    if (page.kind === 'connect-screen' || page.kind === 'connect-choice') return { done: true };
    // Disconnect led to a page that is neither its confirmation nor the connect screen: nothing more is clicked there
    // (it may ask something Connection Doctor cannot read, or be an error).
    const afterClick = flow.pending?.key === 'disconnect' && flow.pending.loadId !== page.loadId;
    if (afterClick && page.kind !== 'disconnect-confirm' && !onFolder(page, flow)) {
      if (!page.statusLoaded)
        return { wait: 'page', message: t('fixReconnect.disconnecting', { provider: provider(flow) }) };
      return {
        fail: {
          ok: false,
          title: t('fixReconnect.unknownPageTitle'),
          detail: t('fixReconnect.unknownPageDetail', { provider: provider(flow) }),
          next: [],
          manualSteps: manualSteps(flow),
        },
      };
    }
    if (page.kind === 'disconnect-confirm')
      return {
        act: { op: 'confirm-disconnect' },
        key: 'confirm-disconnect',
        message: t('fixReconnect.confirmingDisconnect'),
      };
    if (!onFolder(page, flow)) return goToFolder(flow);
    // Done only when the page shows the connect screen: a click lost to a reload is made again.
    return {
      act: { op: 'menu', item: 'disconnect' },
      message: t('fixReconnect.disconnecting', { provider: provider(flow) }),
    };
  },
};

export const connect: Step = {
  id: 'connect',
  label: (f) => t('fixReconnect.connectLabel', { provider: provider(f) }),
  check: (page, flow) => {
    if (flow.provider === 'unknown')
      return {
        fail: {
          ok: false,
          title: t('fixReconnect.whichSoftwareTitle'),
          detail: t('fixReconnect.providerUnknownDetail'),
          next: [],
          manualSteps: manualSteps(flow),
        },
      };
    if (page.kind === 'connect-choice')
      return {
        act: { op: 'connect-as', as: flow.ctx.connectAs ?? 'practice' },
        key: 'connect-as',
        message: t('fixReconnect.choosingConnectAs'),
      };
    if (page.kind === 'connect-screen' && page.folderId === flow.folderId)
      return {
        act: { op: 'connect', provider: flow.provider },
        message: t('fixReconnect.connecting', { provider: provider(flow) }),
      };
    // Connect was clicked (we are at the provider now), or the folder is connected already.
    if (flow.ctx.sent.includes('connect') || flow.ctx.sent.includes('connect-as')) return { done: true };
    if (page.kind === 'folder' && page.folderId === flow.folderId && page.statusLoaded && !page.expired)
      return { done: true };
    return { wait: 'page', message: t('fixReconnect.waitingForConnect') };
  },
};

export const consent: Step = {
  id: 'consent',
  label: (f) => t('fixReconnect.consentLabel', { provider: provider(f) }),
  check: (page, flow) => {
    if (onFolder(page, flow) && page.kind === 'folder' && page.statusLoaded && !page.expired) return { done: true };
    if (onFolder(page, flow) && page.kind === 'connect-screen')
      return {
        fail: {
          ok: false,
          title: t('fixReconnect.notApprovedTitle', { provider: provider(flow) }),
          detail: t('fixReconnect.notApprovedDetail', { provider: provider(flow) }),
          next: ['reconnect'],
          manualSteps: manualSteps(flow),
        },
      };
    if (onFolder(page, flow) && page.statusLoaded && page.expired)
      return {
        fail: {
          ok: false,
          title: t('fixReconnect.stillRefusedTitle', { provider: provider(flow) }),
          detail: t('fixReconnect.stillRefusedDetail', { provider: provider(flow) }),
          next: [],
        },
      };
    return {
      wait: 'consent',
      message: t('fixReconnect.waitingForConsent', { provider: provider(flow) }),
    };
  },
};
