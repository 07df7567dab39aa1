import { describe, expect, it } from 'vitest';
import { BADGE_AMBER, BADGE_RED, badgeFor } from '@/lib/health/badge';
import {
  applyObservation,
  attentionOf,
  type FolderObservation,
  type HealthMap,
  STALE_AFTER_MS,
  sortByUrgency,
} from '@/lib/health/model';

const t0 = new Date('2026-11-27T10:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

const obs = (o: Partial<FolderObservation>): FolderObservation => ({
  origin: 'https://app.datamolino.com',
  folderId: '201',
  name: 'Northwind Traders',
  provider: 'xero',
  url: 'https://app.datamolino.com/en/folders/201',
  scope: 'folder',
  expired: false,
  forbiddenDocuments: [],
  ...o,
});

describe('folder health', () => {
  it('records an expired folder and keeps "since" while the state holds', () => {
    let map = applyObservation({}, obs({ expired: true }), t0);
    map = applyObservation(map, obs({ expired: true }), later(60_000));
    const f = Object.values(map)[0]!;
    expect(f.state).toBe('expired');
    expect(f.since).toBe(t0.toISOString());
    expect(f.lastSeen).toBe(later(60_000).toISOString());
  });

  it('a folder page without the banner makes it healthy; "since" moves', () => {
    let map = applyObservation({}, obs({ expired: true }), t0);
    map = applyObservation(map, obs({}), later(1000));
    expect(Object.values(map)[0]).toMatchObject({ state: 'healthy', since: later(1000).toISOString() });
  });

  it('a document page adds or clears its own forbidden error and keeps the others', () => {
    let map = applyObservation({}, obs({ forbiddenDocuments: ['1', '2'], forbiddenComplete: true }), t0);
    map = applyObservation(map, obs({ scope: 'document', documentId: '1', forbiddenDocuments: [] }), t0);
    expect(Object.values(map)[0]).toMatchObject({ state: 'forbidden', forbiddenDocuments: ['2'] });
    map = applyObservation(map, obs({ scope: 'document', documentId: '2', forbiddenDocuments: [] }), t0);
    expect(Object.values(map)[0]).toMatchObject({ state: 'healthy', forbiddenDocuments: [] });
  });

  it('only the Export Failed tab clears forbidden documents that are not listed', () => {
    let map = applyObservation({}, obs({ forbiddenDocuments: ['1'], forbiddenComplete: true }), t0);
    map = applyObservation(map, obs({ forbiddenDocuments: [] }), t0);
    expect(Object.values(map)[0]!.forbiddenDocuments).toEqual(['1']);
    map = applyObservation(map, obs({ forbiddenDocuments: [], forbiddenComplete: true }), t0);
    expect(Object.values(map)[0]!.forbiddenDocuments).toEqual([]);
  });

  it('a document page without the banner does not clear an expired folder', () => {
    let map = applyObservation({}, obs({ expired: true }), t0);
    map = applyObservation(map, obs({ scope: 'document', documentId: '9', expired: false }), t0);
    expect(Object.values(map)[0]!.state).toBe('expired');
  });

  it('the same folder id on app. and beta. are two folders', () => {
    let map = applyObservation({}, obs({}), t0);
    map = applyObservation(map, obs({ origin: 'https://beta.datamolino.com' }), t0);
    expect(Object.keys(map)).toHaveLength(2);
  });

  it('sorts most urgent first', () => {
    let map: HealthMap = {};
    map = applyObservation(map, obs({ folderId: '1', name: 'A healthy' }), t0);
    map = applyObservation(map, obs({ folderId: '2', name: 'B forbidden', forbiddenDocuments: ['x'] }), t0);
    map = applyObservation(map, obs({ folderId: '3', name: 'C expired', expired: true }), t0);
    expect(sortByUrgency(Object.values(map)).map((f) => f.name)).toEqual(['C expired', 'B forbidden', 'A healthy']);
  });
});

describe('badge', () => {
  it('is empty when every folder is healthy', () => {
    const map = applyObservation({}, obs({}), t0);
    expect(badgeFor(map, t0)).toMatchObject({ text: '', title: 'Connection Doctor: 1 folder, healthy' });
  });

  it('is red with the count of folders needing attention, naming them', () => {
    let map = applyObservation({}, obs({ expired: true }), t0);
    map = applyObservation(map, obs({ folderId: '2', name: 'Bluebell', forbiddenDocuments: ['x'] }), t0);
    map = applyObservation(map, obs({ folderId: '3', name: 'Fine' }), t0);
    const badge = badgeFor(map, t0);
    expect(badge).toMatchObject({ text: '2', color: BADGE_RED });
    expect(badge.title).toContain('Northwind Traders: Xero connection expired');
    expect(badge.title).toContain('Bluebell: 1 export refused');
    expect(badge.title).not.toContain('Fine');
  });

  it('is amber when folders are only stale', () => {
    const map = applyObservation({}, obs({}), t0);
    const now = later(STALE_AFTER_MS + 1);
    expect(attentionOf(Object.values(map)[0]!, now)).toBe('amber');
    expect(badgeFor(map, now)).toMatchObject({ text: '1', color: BADGE_AMBER });
  });
});

describe('a fresh folder page before its status arrives', () => {
  it('does not clear an expired folder (the banner comes late), so "since" keeps its time', () => {
    let map = applyObservation({}, obs({ expired: true, settled: true }), t0);
    map = applyObservation(map, obs({ expired: false, settled: false }), later(5000));
    expect(Object.values(map)[0]).toMatchObject({ state: 'expired', since: t0.toISOString() });
    map = applyObservation(map, obs({ expired: false, settled: true }), later(6000));
    expect(Object.values(map)[0]!.state).toBe('healthy');
  });
});
