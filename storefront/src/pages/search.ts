/**
 * The store's front page: search as you type (`#/?q=…&type=…&min=…&max=…`, so a search is linkable), a type
 * and a price filter, and a "More" button for the next page. Only the newest search's answer is shown.
 */
import { type Item, searchItems, stockText } from '../catalog.js';
import { h, money, replaceChildren } from '../dom.js';
import { refusalText } from '../refusals.js';
import { currentPath, type PageResult } from '../router.js';

const DEBOUNCE_MS = 250;
const PAGE_SIZE = 20;

/** Dollars typed by the shopper as cents for the API; undefined when empty or not a price. */
function cents(dollars: string): number | undefined {
  const value = Number.parseFloat(dollars);
  return dollars.trim() === '' || !Number.isFinite(value) || value < 0 ? undefined : Math.round(value * 100);
}

function resultRow(item: Item): HTMLElement {
  return h(
    'li',
    {},
    h('a', { href: `#/items/${encodeURIComponent(item.itemId)}` }, item.name),
    ' ',
    h('span', { class: 'price' }, money(item.price)),
    ' · ',
    h('span', { class: item.available > 0 ? 'muted' : 'error' }, stockText(item.available)),
  );
}

export function searchPage(view: HTMLElement): PageResult {
  const { query } = currentPath();
  const box = h('input', {
    type: 'search',
    'aria-label': 'Search',
    placeholder: 'Search the store',
    value: query.get('q') ?? '',
  });
  const type = h('select', { id: 'type-filter' }, h('option', { value: '' }, 'All types'));
  const min = h('input', {
    id: 'min-price',
    type: 'number',
    min: 0,
    step: '0.01',
    value: query.get('min') ?? '',
  });
  const max = h('input', {
    id: 'max-price',
    type: 'number',
    min: 0,
    step: '0.01',
    value: query.get('max') ?? '',
  });
  const results = h('ul', { class: 'results', 'aria-label': 'Results' });
  const summary = h('p', { class: 'muted', role: 'status' });
  const error = h('p', { role: 'alert', class: 'error' });
  const more = h('button', { type: 'button', hidden: true }, 'More');

  const knownTypes = new Set<string>();
  const wantedType = query.get('type') ?? '';
  const addTypes = (items: Item[]) => {
    for (const item of items) {
      if (knownTypes.has(item.type)) continue;
      knownTypes.add(item.type);
      const options = [...knownTypes].sort().map((t) => h('option', { value: t }, t));
      const chosen = type.value || wantedType;
      replaceChildren(type, h('option', { value: '' }, 'All types'), ...options);
      type.value = chosen;
    }
  };
  if (wantedType) addTypes([{ type: wantedType } as Item]);

  let generation = 0;
  let cursor: string | null = null;
  let shown = 0;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  const params = (): URLSearchParams => {
    const p = new URLSearchParams();
    const text = box.value.trim();
    if (text) p.set('query', text);
    if (type.value) p.set('type', type.value);
    const low = cents(min.value);
    const high = cents(max.value);
    if (low !== undefined) p.set('minPrice', String(low));
    if (high !== undefined) p.set('maxPrice', String(high));
    p.set('limit', String(PAGE_SIZE));
    return p;
  };

  /** Keeps the address in step with the search without leaving the page. */
  const rememberInAddress = () => {
    const p = new URLSearchParams();
    if (box.value.trim()) p.set('q', box.value.trim());
    if (type.value) p.set('type', type.value);
    if (min.value) p.set('min', min.value);
    if (max.value) p.set('max', max.value);
    const hash = p.toString() ? `#/?${p}` : '#/';
    if (location.hash !== hash) history.replaceState(null, '', hash);
  };

  const load = async (append: boolean) => {
    const mine = ++generation;
    const p = params();
    if (append && cursor) p.set('cursor', cursor);
    error.textContent = '';
    try {
      const page = await searchItems(p);
      if (mine !== generation) return;
      addTypes(page.items);
      if (!append) {
        results.replaceChildren();
        shown = 0;
      }
      results.append(...page.items.map(resultRow));
      shown += page.items.length;
      cursor = page.nextCursor;
      more.hidden = !cursor;
      summary.textContent = shown === 0 ? 'No items match.' : `${shown} item${shown === 1 ? '' : 's'} shown`;
    } catch (problem) {
      if (mine !== generation) return;
      error.textContent = refusalText(problem);
    }
  };

  const searchSoon = () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      rememberInAddress();
      void load(false);
    }, DEBOUNCE_MS);
  };

  box.addEventListener('input', searchSoon);
  for (const input of [type, min, max]) input.addEventListener('change', searchSoon);
  for (const input of [min, max]) input.addEventListener('input', searchSoon);
  more.addEventListener('click', () => void load(true));

  replaceChildren(
    view,
    h('h1', {}, 'Store'),
    h(
      'form',
      { class: 'search', role: 'search', onsubmit: (event: Event) => event.preventDefault() },
      box,
      h(
        'div',
        { class: 'filters' },
        h('label', { for: 'type-filter' }, 'Type'),
        type,
        h('label', { for: 'min-price' }, 'Min price'),
        min,
        h('label', { for: 'max-price' }, 'Max price'),
        max,
      ),
    ),
    error,
    summary,
    results,
    more,
  );
  box.focus();
  void load(false);
  // The API lists no item types: offer those of the first page of everything.
  searchItems(new URLSearchParams({ limit: '100' })).then(
    (page) => addTypes(page.items),
    () => undefined,
  );
  return () => {
    clearTimeout(debounce);
    generation++;
  };
}
