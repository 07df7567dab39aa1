/** Loopback origin of the sandbox (e.g. http://127.0.0.1:4600); defined at build time in wxt.config.ts. */
declare const __SANDBOX_ORIGIN__: string;
