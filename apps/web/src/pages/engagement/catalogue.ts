import { useEffect, useState } from 'react';
import type { TrellisApi } from '../../api/trellis-api';

/** A catalogue item as the training service lists it (titles are the manuals' English). */
export interface CatalogueItem {
  id: string;
  kind: string;
  title: string;
  level?: string;
}

const cache = new WeakMap<TrellisApi, Promise<CatalogueItem[]>>();

/** The catalogue (read once per session; it changes with releases, not with use). */
export function loadCatalogue(api: TrellisApi): Promise<CatalogueItem[]> {
  let pending = cache.get(api);
  if (!pending) {
    pending = api.client.get<CatalogueItem[]>('/api/training/catalogue').catch((err: unknown) => {
      cache.delete(api);
      throw err;
    });
    cache.set(api, pending);
  }
  return pending;
}

/** Titles of catalogue items by id (empty until loaded; ids are shown meanwhile). */
export function useCatalogueTitles(api: TrellisApi): (id: string) => string {
  const [titles, setTitles] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    let live = true;
    loadCatalogue(api).then(
      (items) => {
        if (live) setTitles(new Map(items.map((i) => [i.id, i.title])));
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);
  return (id) => titles.get(id) ?? id;
}
