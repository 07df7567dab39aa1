/** The hard reset: check the menu, ask, Disconnect, Connect, the user's consent at the provider. */
import { confirmation, goToFolder, manualSteps, onFolder, provider, type Step } from './step';

export const preflight: Step = {
  id: 'preflight',
  label: () => 'Check Folder Menu has Disconnect and Connect',
  check: (page, flow) => {
    if (page.kind === 'connect-screen' || page.kind === 'connect-choice') return { done: true };
    const menu = flow.ctx.menu;
    if (!menu && !onFolder(page, flow)) return goToFolder(flow);
    if (!menu) return { act: { op: 'inspect-menu' }, message: 'Checking the Folder Menu…' };
    if (!menu.found || !menu.disconnect)
      return {
        fail: {
          ok: false,
          title: menu.found ? 'Disconnect is not in the Folder Menu' : 'Folder Menu not found',
          detail:
            'Nothing was changed. Only folder Admins can disconnect and reconnect a folder; the page may also have changed. Follow the steps below, or ask a folder Admin.',
          next: [],
          manualSteps: manualSteps(flow),
        },
      };
    return { done: true };
  },
};

export const confirmReconnect = confirmation(
  (flow) =>
    `Reconnect “${flow.folderName}” to ${provider(flow)}? Datamolino will disconnect the folder and you will approve access at ${provider(flow)} again.`,
);

export const disconnect: Step = {
  id: 'disconnect',
  label: (f) => `Folder Menu → Disconnect ${provider(f)}`,
  check: (page, flow) => {
    if (page.kind === 'connect-screen' || page.kind === 'connect-choice') return { done: true };
    if (page.kind === 'disconnect-confirm')
      return {
        act: { op: 'confirm-disconnect' },
        key: 'confirm-disconnect',
        message: 'Confirming Disconnect…',
      };
    if (!onFolder(page, flow)) return goToFolder(flow);
    // Done only when the page shows the connect screen: a click lost to a reload is made again.
    return { act: { op: 'menu', item: 'disconnect' }, message: `Disconnecting ${provider(flow)}…` };
  },
};

export const connect: Step = {
  id: 'connect',
  label: (f) => `Connect to ${provider(f)}`,
  check: (page, flow) => {
    if (flow.provider === 'unknown')
      return {
        fail: {
          ok: false,
          title: 'Which accounting software?',
          detail:
            'The folder is disconnected and the page did not say which provider it used. Connect it from the folder.',
          next: [],
          manualSteps: manualSteps(flow),
        },
      };
    if (page.kind === 'connect-choice')
      return {
        act: { op: 'connect-as', as: flow.ctx.connectAs ?? 'practice' },
        key: 'connect-as',
        message: 'Choosing how to connect to FreeAgent…',
      };
    if (page.kind === 'connect-screen' && page.folderId === flow.folderId)
      return {
        act: { op: 'connect', provider: flow.provider },
        message: `Connecting to ${provider(flow)}…`,
      };
    // Connect was clicked (we are at the provider now), or the folder is connected already.
    if (flow.ctx.sent.includes('connect') || flow.ctx.sent.includes('connect-as')) return { done: true };
    if (page.kind === 'folder' && page.folderId === flow.folderId && page.statusLoaded && !page.expired)
      return { done: true };
    return { wait: 'page', message: 'Waiting for the connect screen…' };
  },
};

export const consent: Step = {
  id: 'consent',
  label: (f) => `Approve access at ${provider(f)} (you)`,
  check: (page, flow) => {
    if (onFolder(page, flow) && page.kind === 'folder' && page.statusLoaded && !page.expired) return { done: true };
    if (onFolder(page, flow) && page.kind === 'connect-screen')
      return {
        fail: {
          ok: false,
          title: `${provider(flow)} access was not approved`,
          detail: `The folder is still disconnected. Click Connect to ${provider(flow)} and approve access to reconnect it.`,
          next: ['reconnect'],
          manualSteps: manualSteps(flow),
        },
      };
    if (onFolder(page, flow) && page.statusLoaded && page.expired)
      return {
        fail: {
          ok: false,
          title: `${provider(flow)} still refuses the connection`,
          detail: `The folder reconnected but the connection expired again. Check the ${provider(flow)} user you approved with can connect apps (Xero: Standard or Adviser).`,
          next: [],
        },
      };
    return {
      wait: 'consent',
      message: `Approve access at ${provider(flow)} in this tab (for Xero: “Continue with 1 organisation”). The fix continues when you are back.`,
    };
  },
};
