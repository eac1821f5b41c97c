/**
 * Hash routes (`#/items/it-1`): every page is one function that fills the view and may return a cleanup
 * (close a stream, stop a timer) run when the shopper leaves it.
 */
export type Cleanup = () => void;
/** What a page leaves behind: a cleanup, or nothing. */
export type PageResult = Cleanup | undefined;
export type Page = (view: HTMLElement, params: Record<string, string>) => PageResult | Promise<PageResult>;

export interface Route {
  /** `/items/:itemId` */
  pattern: string;
  page: Page;
}

export function match(
  routes: readonly Route[],
  path: string,
): { page: Page; params: Record<string, string> } | undefined {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const pattern = route.pattern.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const fits = pattern.every((segment, i) => {
      if (segment.startsWith(':')) {
        params[segment.slice(1)] = decodeURIComponent(parts[i]!);
        return true;
      }
      return segment === parts[i];
    });
    if (fits) return { page: route.page, params };
  }
  return undefined;
}

/** The path of the current hash, `/` when there is none; the query (`?q=…`) apart. */
export function currentPath(): { path: string; query: URLSearchParams } {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(query ?? '') };
}

export function go(path: string): void {
  location.hash = `#${path}`;
}
