import { useEffect, useState } from 'react';
import { api } from './api';

interface Named {
  code: string;
  name: string;
}

let cached: Promise<Map<string, string>> | undefined;

function loadNames(): Promise<Map<string, string>> {
  cached ??= Promise.all([api<{ items: Named[] }>('GET', '/categories'), api<{ items: Named[] }>('GET', '/brands')]).then(
    ([categories, brands]) => new Map([...categories.items, ...brands.items].map((item) => [item.code, item.name])),
    (error: unknown) => {
      cached = undefined;
      throw error;
    },
  );
  return cached;
}

/** Category and brand codes (as preferences store them) → their Chinese names; codes show until names load. */
export function useCatalogNames(): (codes: readonly string[]) => string {
  const [names, setNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    let live = true;
    loadNames().then(
      (loaded) => live && setNames(loaded),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return (codes) => codes.map((code) => names.get(code) ?? code).join('、');
}
