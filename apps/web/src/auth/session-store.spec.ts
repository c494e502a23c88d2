import { REFRESH_TOKEN_KEY, SessionStore, type KeyValueStorage } from './session-store';

function storage(): KeyValueStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
    clear: () => map.clear(),
  };
}

const answer = {
  accessToken: 'a',
  refreshToken: 'r',
  expiresIn: 300,
  user: { id: 'usr-9', roles: ['defender'], organisationId: 'org-1' },
};

describe('SessionStore', () => {
  it('keeps the access token in memory only and tells listeners', () => {
    const tab = storage();
    const store = new SessionStore(tab);
    const seen: Array<string | undefined> = [];
    store.subscribe((s) => seen.push(s?.user.id));
    store.accept(answer);
    expect(store.session?.accessToken).toBe('a');
    expect([...tab.map.values()]).toEqual(['r']);
    expect(JSON.stringify([...tab.map])).not.toContain('"a"');
    store.clear();
    expect(seen).toEqual(['usr-9', undefined]);
    expect(tab.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });

  it('quick exit wipes everything the tab stored, not only the token', () => {
    const tab = storage();
    tab.setItem('trellis.language', 'es');
    const store = new SessionStore(tab);
    store.accept(answer);
    store.wipe();
    expect(tab.map.size).toBe(0);
    expect(store.session).toBeUndefined();
    expect(store.storedRefreshToken).toBeUndefined();
  });

  it('works without storage (private mode): the session lasts as long as the page', () => {
    const store = new SessionStore(undefined);
    store.accept(answer);
    expect(store.storedRefreshToken).toBe('r');
  });
});
