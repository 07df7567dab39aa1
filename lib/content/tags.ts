/** The custom element of the progress panel: its name, known to the content script and the injected flow UI. */
export const PANEL_TAG = 'connection-doctor-panel';
