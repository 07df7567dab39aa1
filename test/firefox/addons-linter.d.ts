/** The part of addons-linter's library API (its README, "Using the linter as a library") the tests use. */
declare module 'addons-linter' {
  export interface LinterMessage {
    type: 'error' | 'warning' | 'notice';
    code: string;
    message: string;
    description: string | string[];
    file?: string;
    line?: number;
    column?: number;
  }

  export interface LinterOutput {
    count: number;
    summary: { errors: number; warnings: number; notices: number };
    errors: LinterMessage[];
    warnings: LinterMessage[];
    notices: LinterMessage[];
  }

  export interface LinterConfig {
    /** The add-on: a directory or a .zip/.xpi, as the first command-line argument. */
    _: [string];
    logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
    stack: boolean;
    pretty: boolean;
    warningsAsErrors: boolean;
    metadata: boolean;
    output: 'text' | 'json' | 'none';
    boring: boolean;
    selfHosted: boolean;
    enterprise: boolean;
    privileged: boolean;
    enableBackgroundServiceWorker: boolean;
    minManifestVersion: number;
    maxManifestVersion: number;
    disableXpiAutoclose: boolean;
    enableDataCollectionPermissions: boolean;
    shouldScanFile?: (fileName: string) => boolean;
  }

  export interface Linter {
    run(): Promise<LinterOutput>;
  }

  const addonsLinter: {
    createInstance(options: { config: LinterConfig; runAsBinary: boolean }): Linter;
  };
  export default addonsLinter;
}
