/**
 * Injected only when the user asks for a page report (Copy page report): reads the page's structure, redacted
 * (lib/datamolino/page-report.ts), and returns it to the background. Nothing else runs; nothing is sent anywhere.
 */
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { pageReport } from '@/lib/datamolino/page-report';

export default defineUnlistedScript(() => pageReport(document, location.href));
