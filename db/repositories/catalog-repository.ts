import { createHash } from 'node:crypto';
import type postgres from 'postgres';
import { compareBytewise } from '../byte-order.js';
import { type CursorSecret, decodeCursor, encodeCursor, mergeSortedPages, positionGuard } from '../cursor.js';
import { NotFoundError } from '../errors.js';
import { assertCents, assertDistinct, assertId, assertLimit } from '../input-checks.js';
import { groupByShard, type ShardSet } from '../shard-set.js';
import { insertStockRows } from './stock-table.js';

export interface NewItem {
  itemId: string;
  name: string;
  description: string;
  priceCents: number;
  type: string;
  /** Initial units per warehouse; the warehouses must exist. */
  stock: readonly { warehouseId: string; quantity: number }[];
}

export interface ItemView {
  itemId: string;
  name: string;
  description: string;
  priceCents: number;
  type: string;
  /** Units a checkout can still reserve (stock.available). */
  available: number;
}

export interface SearchHit extends ItemView {
  /** ts_rank of the query (0 without one). */
  rank: number;
}

export interface SearchQuery {
  /** Web-search syntax (`"red shoes" -leather`); empty or absent lists everything by item id. */
  text?: string;
  type?: string;
  minPriceCents?: number;
  maxPriceCents?: number;
  limit: number;
  /** `nextCursor` of the previous page; InvalidCursorError (a 400) when not one we issued for this query. */
  cursor?: string;
}

export interface SearchPage {
  items: SearchHit[];
  nextCursor: string | undefined;
}

export interface CatalogRepository {
  /** Creates items with their stock rows; ids that exist already are skipped. Returns the ids created. */
  createItems(items: readonly NewItem[]): Promise<string[]>;
  getItem(itemId: string): Promise<ItemView | undefined>;
  getItems(itemIds: readonly string[]): Promise<ItemView[]>;
  searchItems(query: SearchQuery): Promise<SearchPage>;
}

export interface CatalogRepositoryDeps {
  shardSet: ShardSet;
  cursorSecret: CursorSecret;
}

export const MAX_SEARCH_LIMIT = 100;
/** Rows per multi-row INSERT, well under PostgreSQL's 65,535 bind parameters. */
const INSERT_CHUNK = 1000;

interface SearchPosition {
  rank: number;
  itemId: string;
}

const isSearchPosition = positionGuard<SearchPosition>({
  rank: (rank) => typeof rank === 'number' && Number.isFinite(rank) && rank >= 0,
  itemId: (itemId) => typeof itemId === 'string' && itemId !== '',
});

/** Rank descending, then item id ascending: the order every shard returns and the merge keeps. */
function compareHits(a: SearchPosition, b: SearchPosition): number {
  return b.rank - a.rank || compareBytewise(a.itemId, b.itemId);
}

/** A cursor is only valid for the query and filters it was issued for. */
function cursorKind(query: SearchQuery): string {
  const filters = JSON.stringify([
    query.text ?? '',
    query.type ?? null,
    query.minPriceCents ?? null,
    query.maxPriceCents ?? null,
  ]);
  return `items:${createHash('sha256').update(filters).digest('base64url').slice(0, 16)}`;
}

const ITEM_COLUMNS = (sql: postgres.Sql | postgres.TransactionSql) => sql`
  i.item_id as "itemId", i.name, i.description, i.price_cents as "priceCents", i.item_type as "type",
  coalesce(s.available, 0) as available`;

export function createCatalogRepository(deps: CatalogRepositoryDeps): CatalogRepository {
  const { shardSet } = deps;

  async function createOnShard(sql: postgres.Sql, items: readonly NewItem[]): Promise<string[]> {
    return sql.begin(async (tx) => {
      const created: string[] = [];
      for (let start = 0; start < items.length; start += INSERT_CHUNK) {
        const chunk = items.slice(start, start + INSERT_CHUNK);
        const itemRows = chunk.map((item) => ({
          item_id: item.itemId,
          name: item.name,
          description: item.description,
          price_cents: item.priceCents,
          item_type: item.type,
        }));
        const inserted = await tx<{ itemId: string }[]>`
          insert into items ${tx(itemRows)}
          on conflict (item_id) do nothing
          returning item_id as "itemId"`;
        const fresh = new Set(inserted.map((row) => row.itemId));
        const freshItems = chunk.filter((item) => fresh.has(item.itemId));
        if (freshItems.length === 0) continue;

        await insertStockRows(
          tx,
          freshItems.map((item) => ({
            itemId: item.itemId,
            available: item.stock.reduce((sum, s) => sum + s.quantity, 0),
          })),
        );
        const warehouseRows = freshItems.flatMap((item) =>
          item.stock.map((s) => ({
            item_id: item.itemId,
            warehouse_id: s.warehouseId,
            physical: s.quantity,
            available: s.quantity,
          })),
        );
        if (warehouseRows.length > 0) {
          await tx`
            insert into warehouse_stock ${tx(warehouseRows)}`;
        }
        created.push(...freshItems.map((item) => item.itemId));
      }
      return created;
    });
  }

  async function assertWarehousesExist(items: readonly NewItem[]): Promise<void> {
    const wanted = [...new Set(items.flatMap((item) => item.stock.map((s) => s.warehouseId)))];
    if (wanted.length === 0) return;
    // Warehouses are replicated; any shard the items go to knows them all.
    const { sql } = shardSet.forItem(items[0]!.itemId);
    const found = await sql<{ warehouseId: string }[]>`
      select warehouse_id as "warehouseId" from warehouses where warehouse_id = any(${wanted}::text[])`;
    const known = new Set(found.map((row) => row.warehouseId));
    const missing = wanted.find((id) => !known.has(id));
    if (missing !== undefined) throw new NotFoundError('warehouse', missing);
  }

  async function searchShard(sql: postgres.Sql, query: SearchQuery, after: SearchPosition | undefined) {
    const text = query.text?.trim() ?? '';
    const rank = text
      ? sql`ts_rank(i.search_vector, websearch_to_tsquery('english', ${text}))`
      : sql`0::real`;
    return sql<SearchHit[]>`
      select * from (
        select ${ITEM_COLUMNS(sql)}, ${rank} as rank
        from items i left join stock s on s.item_id = i.item_id
        where true
          ${text ? sql`and i.search_vector @@ websearch_to_tsquery('english', ${text})` : sql``}
          ${query.type !== undefined ? sql`and i.item_type = ${query.type}` : sql``}
          ${query.minPriceCents !== undefined ? sql`and i.price_cents >= ${query.minPriceCents}` : sql``}
          ${query.maxPriceCents !== undefined ? sql`and i.price_cents <= ${query.maxPriceCents}` : sql``}
      ) hits
      ${
        after
          ? sql`where hits.rank < ${String(after.rank)}::real
                  or (hits.rank = ${String(after.rank)}::real and hits."itemId" collate "C" > ${after.itemId})`
          : sql``
      }
      order by hits.rank desc, hits."itemId" collate "C" asc
      limit ${query.limit + 1}`;
  }

  const repository: CatalogRepository = {
    async createItems(items) {
      for (const item of items) {
        assertId(item.itemId, 'itemId');
        assertCents(item.priceCents, 'priceCents');
        for (const s of item.stock) {
          if (!Number.isSafeInteger(s.quantity) || s.quantity < 0) {
            throw new RangeError(`stock quantity must be a non-negative integer, got ${s.quantity}`);
          }
        }
        assertDistinct(
          item.stock.map((s) => s.warehouseId),
          `warehouses of ${item.itemId}`,
        );
      }
      assertDistinct(
        items.map((item) => item.itemId),
        'item ids',
      );
      if (items.length === 0) return [];
      await assertWarehousesExist(items);
      const groups = groupByShard(items, (item) => shardSet.forItem(item.itemId));
      const created = await Promise.all(groups.map(({ shard, values }) => createOnShard(shard.sql, values)));
      return created.flat();
    },

    async getItem(itemId) {
      const [item] = await repository.getItems([itemId]);
      return item;
    },

    async getItems(itemIds) {
      for (const id of itemIds) assertId(id, 'itemId');
      const groups = groupByShard([...new Set(itemIds)], (id) => shardSet.forItem(id));
      const found = await Promise.all(
        groups.map(
          ({ shard: { sql }, values }) => sql<ItemView[]>`
            select ${ITEM_COLUMNS(sql)}
            from items i left join stock s on s.item_id = i.item_id
            where i.item_id = any(${values}::text[])`,
        ),
      );
      const byId = new Map(found.flat().map((item) => [item.itemId, item]));
      return itemIds.flatMap((id) => byId.get(id) ?? []);
    },

    async searchItems(query) {
      assertLimit(query.limit, MAX_SEARCH_LIMIT);
      if (query.minPriceCents !== undefined) assertCents(query.minPriceCents, 'minPriceCents');
      if (query.maxPriceCents !== undefined) assertCents(query.maxPriceCents, 'maxPriceCents');
      const kind = cursorKind(query);
      const after =
        query.cursor === undefined
          ? undefined
          : decodeCursor(kind, query.cursor, isSearchPosition, deps.cursorSecret);
      // Search may lag a little behind the primary (a standby's replay); item pages and checkout read the primary.
      const pages = await Promise.all(
        shardSet.shards.map(({ replicaSql }) => searchShard(replicaSql, query, after)),
      );
      const merged = mergeSortedPages(pages, compareHits, query.limit + 1);
      const items = merged.slice(0, query.limit);
      const last = items[items.length - 1];
      const nextCursor =
        merged.length > query.limit && last
          ? encodeCursor(kind, { rank: last.rank, itemId: last.itemId }, deps.cursorSecret)
          : undefined;
      return { items, nextCursor };
    },
  };
  return repository;
}
