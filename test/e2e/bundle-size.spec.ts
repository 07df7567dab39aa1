import path from 'node:path';
import { expect, test } from '@playwright/test';
import { BUDGETS } from '../bench/budgets';
import { type BundlePart, bundleSizes } from '../bench/bundle-size';

// Sizes of a build are deterministic, so a budget is checked on every run, not only by `npm run bench`.
const sizes = bundleSizes(path.resolve('.output/chrome-mv3'));

for (const part of ['content', 'background', 'popup'] as BundlePart[]) {
  test(`the ${part} code fits its gzip budget`, () => {
    const { bytes, files } = sizes[part];
    const detail = files.map((f) => `${f.file}: ${f.bytes} B`).join(', ');
    expect(files.length, `no ${part} files found in the production build`).toBeGreaterThan(0);
    expect(
      bytes,
      `${part}: ${bytes} B gzip (${detail}); budget ${BUDGETS.bundleGzipBytes[part]} B`,
    ).toBeLessThanOrEqual(BUDGETS.bundleGzipBytes[part]);
  });
}
