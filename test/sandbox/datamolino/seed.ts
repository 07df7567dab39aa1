/** The seeded accounts, folders and documents. Ids are stable: tests and the demo refer to them. */
import type { ProviderId } from '../providers/types';
import {
  type ApprovalStatus,
  type Connection,
  type DatamolinoState,
  type DocumentRecord,
  type DocumentState,
  type Folder,
  type FreeAgentMode,
  forbiddenText,
  PROVIDER_NAMES,
} from './model';

/** Who authorised each seeded connection at the provider (the providers seed these users). */
export interface ConnectionGrantSpec {
  connectionId: string;
  provider: ProviderId;
  email: string;
  freeAgentMode?: FreeAgentMode;
}

export const HARBOUR_ACCOUNT_ID = 'harbour-bakery';
export const LEDGERLIGHT_ACCOUNT_ID = 'ledgerlight';
/** Bulk folders get ids from here on. */
export const FIRST_BULK_FOLDER_ID = 301;
/** Bulk documents get ids from here on (seeded ones are folderId * 10 + n). */
export const FIRST_BULK_DOCUMENT_ID = 1_000_001;

export const SEED_GRANTS: ConnectionGrantSpec[] = [
  { connectionId: 'harbour-bakery-xero', provider: 'xero', email: 'bookkeeper@harbourbakery.test' },
  { connectionId: 'folder-201', provider: 'xero', email: 'partner@ledgerlight.test' },
  { connectionId: 'folder-202', provider: 'xero', email: 'partner@ledgerlight.test' },
  { connectionId: 'folder-203', provider: 'quickbooks', email: 'partner@ledgerlight.test' },
  { connectionId: 'folder-204', provider: 'freeagent', email: 'partner@ledgerlight.test', freeAgentMode: 'practice' },
];

/** The provider user that bulk folders are connected as. */
export const BULK_GRANT_EMAIL = 'partner@ledgerlight.test';

type SupplierRow = [supplier: string, number: string, amount: number];

/** Same shape for every folder: which seeded row ends up in which state. */
const DOCUMENT_PLAN: { state: DocumentState; approval: ApprovalStatus }[] = [
  { state: 'ready', approval: 'Draft' },
  { state: 'ready', approval: 'Awaiting Payment' },
  { state: 'needs-review', approval: 'Draft' },
  { state: 'export-failed', approval: 'Awaiting Approval' },
  { state: 'export-failed', approval: 'Awaiting Payment' },
  { state: 'exported', approval: 'Draft' },
  { state: 'exported', approval: 'Awaiting Payment' },
];

const SUPPLIERS: Record<number, SupplierRow[]> = {
  101: [
    ['Millstone Flour Co', 'MF-2291', 1284.5],
    ['Dairy Direct Ltd', 'DD-8812', 642.18],
    ['Packaging Plus', 'PP-0415', 219.99],
    ['Southern Energy Supply', 'SE-77120', 1890.0],
    ['Oven Services Ltd', 'OS-311', 455.0],
    ['Green Waste Collect', 'GW-902', 96.4],
    ['Harbour Office Supplies', 'HO-1187', 73.25],
  ],
  102: [
    ['Roastery Beans Ltd', 'RB-5521', 388.6],
    ['Dairy Direct Ltd', 'DD-8840', 214.3],
    ['Cup & Lid Wholesale', 'CL-3307', 129.0],
    ['Espresso Care Ltd', 'EC-1402', 260.0],
    ['Fresh Fruit Market', 'FF-6610', 84.75],
    ['Linen Hire Co', 'LH-0093', 57.5],
    ['Sugar Lane Traders', 'SL-4471', 42.9],
  ],
  103: [
    ['Event Hire Partners', 'EH-2026-11', 1450.0],
    ['Coastal Catering Supplies', 'CC-7718', 612.4],
    ['Van Lease Direct', 'VL-3390', 499.0],
    ['Chill Chain Logistics', 'CH-5502', 338.2],
    ['Party Paper Goods', 'PG-1213', 91.6],
    ['Glassware Rentals', 'GR-8041', 175.0],
    ['Fuel Card Services', 'FC-6620', 268.33],
  ],
  201: [
    ['Atlas Freight Ltd', 'AF-10342', 2310.0],
    ['Northern Steel Supply', 'NS-5567', 4875.25],
    ['Office Hub', 'OH-3309', 156.8],
    ['Pallet Masters', 'PM-7781', 720.0],
    ['Forklift Servicing Co', 'FS-2214', 389.0],
    ['Telecom Business', 'TB-99812', 112.49],
    ['Warehouse Security Ltd', 'WS-4410', 640.0],
  ],
  202: [
    ['Atlas Freight Ltd', 'AF-10388', 1180.0],
    ['Customs Brokers UK', 'CB-6603', 305.0],
    ['Office Hub', 'OH-3351', 88.4],
    ['Container Hire Ltd', 'CH-1120', 950.0],
    ['Insurance Partners', 'IP-2026-04', 1432.1],
    ['Cleaning Crew', 'CC-0721', 240.0],
    ['Stationery World', 'SW-5540', 61.2],
  ],
  203: [
    ['Bloom Wholesale Inc', 'BW-3345', 845.2],
    ['Vase & Vessel Co', 'VV-2210', 312.0],
    ['Ribbon Supply House', 'RS-0917', 64.75],
    ['Cold Room Services', 'CR-4412', 530.0],
    ['Delivery Van Rentals', 'DV-7763', 410.0],
    ['Greenhouse Growers', 'GG-1186', 1290.4],
    ['Print & Card Shop', 'PC-3020', 45.0],
  ],
  204: [
    ['Pixel Stock Images', 'PS-44120', 199.0],
    ['Studio Rent Ltd', 'SR-2026-11', 1650.0],
    ['Font Foundry', 'FF-8812', 320.0],
    ['Cloud Hosting Co', 'CH-55310', 89.99],
    ['Print Lab London', 'PL-6604', 742.5],
    ['Coworking Café', 'CW-1119', 45.6],
    ['Design Software Ltd', 'DS-7730', 599.0],
  ],
};

const DAY = 24 * 60 * 60 * 1000;

function seedDocuments(
  folderId: number,
  rows: SupplierRow[],
  provider: ProviderId,
  currency: string,
  now: number,
): DocumentRecord[] {
  return rows.map(([supplier, number, amount], index): DocumentRecord => {
    const plan = DOCUMENT_PLAN[index % DOCUMENT_PLAN.length]!;
    const isXero = provider === 'xero';
    const doc: DocumentRecord = {
      id: folderId * 10 + index + 1,
      folderId,
      supplier,
      number,
      date: `2026-11-${String(index * 3 + 2).padStart(2, '0')}`,
      amount,
      currency,
      approvalStatus: isXero ? plan.approval : 'Draft',
      state: plan.state,
      audit: [{ at: now - 10 * DAY + index * 60_000, text: 'Document uploaded' }],
    };
    if (plan.state === 'export-failed') {
      doc.exportError = forbiddenText(provider);
      doc.audit.push({ at: now - 2 * DAY + index * 60_000, text: `Export failed: ${doc.exportError}` });
    }
    if (plan.state === 'exported') {
      doc.exportedAs = isXero ? plan.approval : 'Bill';
      doc.exportReference = number;
      doc.audit.push({
        at: now - 5 * DAY + index * 60_000,
        text: exportedAuditText(provider, doc.exportedAs, number),
      });
    }
    return doc;
  });
}

export function exportedAuditText(
  provider: ProviderId,
  exportedAs: ApprovalStatus | 'Bill',
  reference: string,
): string {
  return provider === 'xero'
    ? `Exported to Xero as ${exportedAs} (Invoice ${reference})`
    : `Exported to ${PROVIDER_NAMES[provider]} (Bill ${reference})`;
}

function disconnected(id: string, provider: ProviderId): Connection {
  return { id, provider, state: 'disconnected' };
}

/** The seed before any connection is made; the app then connects SEED_GRANTS over the providers' OAuth. */
export function createSeedState(now: number): DatamolinoState {
  const folders: Folder[] = [
    {
      id: 101,
      accountId: HARBOUR_ACCOUNT_ID,
      name: 'Harbour Bakery – Purchases 2026',
      connectionId: 'harbour-bakery-xero',
      variant: 'standard',
    },
    {
      id: 102,
      accountId: HARBOUR_ACCOUNT_ID,
      name: 'Harbour Bakery – Café',
      connectionId: 'harbour-bakery-xero',
      variant: 'standard',
    },
    {
      id: 103,
      accountId: HARBOUR_ACCOUNT_ID,
      name: 'Harbour Bakery – Catering',
      connectionId: 'harbour-bakery-xero',
      variant: 'standard',
    },
    {
      id: 201,
      accountId: LEDGERLIGHT_ACCOUNT_ID,
      name: 'Northwind Traders',
      connectionId: 'folder-201',
      variant: 'standard',
    },
    {
      id: 202,
      accountId: LEDGERLIGHT_ACCOUNT_ID,
      name: 'Northwind Traders – Second Entity',
      connectionId: 'folder-202',
      variant: 'standard',
    },
    {
      id: 203,
      accountId: LEDGERLIGHT_ACCOUNT_ID,
      name: 'Bluebell Florists',
      connectionId: 'folder-203',
      variant: 'standard',
    },
    {
      id: 204,
      accountId: LEDGERLIGHT_ACCOUNT_ID,
      name: 'Copperleaf Design',
      connectionId: 'folder-204',
      variant: 'standard',
    },
  ];
  const connections = SEED_GRANTS.map((g) => disconnected(g.connectionId, g.provider));
  const state: DatamolinoState = {
    accounts: [
      { id: HARBOUR_ACCOUNT_ID, name: 'Harbour Bakery Ltd', plan: 'business' },
      { id: LEDGERLIGHT_ACCOUNT_ID, name: 'Ledgerlight Accounting', plan: 'accountant' },
    ],
    folders: new Map(folders.map((f) => [f.id, f])),
    connections: new Map(connections.map((c) => [c.id, c])),
    documents: new Map(),
    nextBulkFolderId: FIRST_BULK_FOLDER_ID,
    nextBulkDocumentId: FIRST_BULK_DOCUMENT_ID,
  };
  for (const folder of folders) {
    const provider = state.connections.get(folder.connectionId)!.provider;
    const currency = provider === 'quickbooks' ? 'USD' : 'GBP';
    const rows = SUPPLIERS[folder.id] ?? [];
    for (const doc of seedDocuments(folder.id, rows, provider, currency, now)) state.documents.set(doc.id, doc);
  }
  return state;
}

const BULK_SUPPLIERS: SupplierRow[] = [
  ['Atlas Freight Ltd', 'AF', 410.0],
  ['Office Hub', 'OH', 58.2],
  ['Telecom Business', 'TB', 112.49],
  ['Cloud Hosting Co', 'CH', 89.99],
  ['Stationery World', 'SW', 24.5],
];

/** A practice folder for benchmarks, with a small copy of the seeded document mix. */
export function addBulkFolder(state: DatamolinoState, provider: ProviderId, now: number, name?: string): Folder {
  const id = state.nextBulkFolderId++;
  const folder: Folder = {
    id,
    accountId: LEDGERLIGHT_ACCOUNT_ID,
    name: name ?? `Client ${String(id - FIRST_BULK_FOLDER_ID + 1).padStart(3, '0')} Ltd`,
    connectionId: `folder-${id}`,
    variant: 'standard',
  };
  state.folders.set(id, folder);
  state.connections.set(folder.connectionId, disconnected(folder.connectionId, provider));
  const rows = BULK_SUPPLIERS.map(
    ([supplier, prefix, amount], i): SupplierRow => [supplier, `${prefix}-${id}${i}`, amount],
  );
  for (const doc of seedDocuments(id, rows, provider, 'GBP', now)) state.documents.set(doc.id, doc);
  return folder;
}

export function addBulkDocuments(
  state: DatamolinoState,
  folder: Folder,
  count: number,
  approval: ApprovalStatus,
): number[] {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = state.nextBulkDocumentId++;
    const [supplier, prefix, amount] = BULK_SUPPLIERS[i % BULK_SUPPLIERS.length]!;
    state.documents.set(id, {
      id,
      folderId: folder.id,
      supplier,
      number: `${prefix}-${id}`,
      date: '2026-11-20',
      amount: amount + (i % 100),
      currency: 'GBP',
      approvalStatus: approval,
      state: 'ready',
      audit: [],
    });
    ids.push(id);
  }
  return ids;
}
