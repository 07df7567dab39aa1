/** Where Datamolino runs: production and its public test host. The sandbox build adds loopback (wxt.config.ts). */
export const DATAMOLINO_MATCHES = ['https://app.datamolino.com/*', 'https://beta.datamolino.com/*'];
