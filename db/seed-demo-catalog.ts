import {
  type CatalogRepository,
  createCatalogRepository,
  type NewItem,
} from './repositories/catalog-repository.js';
import { createWarehouseRepository, type Warehouse } from './repositories/warehouse-repository.js';
import { pick, randomInt, seededRandom } from './seeded-random.js';
import type { ShardSet } from './shard-set.js';

export const DEMO_WAREHOUSES: readonly Warehouse[] = [
  {
    warehouseId: 'wh-east',
    name: 'Newark Fulfillment Center',
    region: 'us-east',
    latitude: 40.7357,
    longitude: -74.1724,
  },
  {
    warehouseId: 'wh-central',
    name: 'Joliet Fulfillment Center',
    region: 'us-central',
    latitude: 41.525,
    longitude: -88.0817,
  },
  {
    warehouseId: 'wh-west',
    name: 'Reno Fulfillment Center',
    region: 'us-west',
    latitude: 39.5296,
    longitude: -119.8138,
  },
];

interface Category {
  type: string;
  nouns: readonly string[];
  uses: readonly string[];
  priceRangeCents: readonly [number, number];
}

/** What each category sells, in the order the generator picks categories from. */
const NOUNS = {
  electronics: ['headphones', 'speaker', 'charger', 'keyboard', 'webcam', 'monitor', 'router'],
  kitchen: ['skillet', 'kettle', 'knife set', 'blender', 'cutting board', 'coffee grinder'],
  books: ['novel', 'cookbook', 'field guide', 'atlas', 'biography', 'poetry collection'],
  outdoors: ['tent', 'backpack', 'sleeping bag', 'headlamp', 'water filter', 'camp stove'],
  toys: ['puzzle', 'building set', 'board game', 'plush bear', 'kite', 'train set'],
  clothing: ['jacket', 'sweater', 'rain shell', 'wool socks', 'running shoes', 'scarf'],
  home: ['lamp', 'throw blanket', 'planter', 'wall clock', 'rug', 'bookshelf'],
  sports: ['yoga mat', 'dumbbell set', 'tennis racket', 'basketball', 'jump rope', 'bike helmet'],
} as const;

type CategoryType = keyof typeof NOUNS;

/** What an item of each category is built for, as its description says. */
const USES: Record<CategoryType, readonly string[]> = {
  electronics: ['home office', 'gaming', 'travel', 'streaming'],
  kitchen: ['weeknight dinners', 'baking', 'espresso', 'meal prep'],
  books: ['long flights', 'book clubs', 'gift giving', 'rainy evenings'],
  outdoors: ['backpacking', 'car camping', 'day hikes', 'alpine trips'],
  toys: ['family nights', 'birthdays', 'rainy days', 'road trips'],
  clothing: ['cold mornings', 'commuting', 'trail running', 'layering'],
  home: ['living rooms', 'small apartments', 'reading nooks', 'home offices'],
  sports: ['home workouts', 'team practice', 'weekend games', 'commuting'],
};

const PRICE_RANGES_CENTS: Record<CategoryType, readonly [number, number]> = {
  electronics: [1_499, 49_999],
  kitchen: [999, 19_999],
  books: [799, 4_999],
  outdoors: [1_999, 39_999],
  toys: [699, 12_999],
  clothing: [1_299, 24_999],
  home: [1_499, 29_999],
  sports: [999, 17_999],
};

const CATEGORIES: readonly Category[] = (Object.keys(NOUNS) as CategoryType[]).map((type) => ({
  type,
  nouns: NOUNS[type],
  uses: USES[type],
  priceRangeCents: PRICE_RANGES_CENTS[type],
}));

const ADJECTIVES = [
  'Compact',
  'Classic',
  'Rugged',
  'Wireless',
  'Lightweight',
  'Premium',
  'Everyday',
  'Vintage',
  'Modern',
  'Durable',
  'Foldable',
  'Ergonomic',
];
const MATERIALS = [
  'bamboo',
  'steel',
  'cotton',
  'recycled',
  'walnut',
  'aluminum',
  'ceramic',
  'merino',
  'carbon',
];
const BRANDS = ['Northwind', 'Acme', 'Bluebird', 'Cedar & Co', 'Summit', 'Harbor', 'Lumen', 'Fjord'];

const SEED = 20_240_501;

export function demoItemId(n: number): string {
  return `item-${String(n).padStart(5, '0')}`;
}

/** The demo catalog as data: the same items, prices and stock on every run. */
export function demoCatalogItems(count: number): NewItem[] {
  const random = seededRandom(SEED);
  const items: NewItem[] = [];
  for (let n = 1; n <= count; n++) {
    const category = pick(random, CATEGORIES);
    const noun = pick(random, category.nouns);
    const adjective = pick(random, ADJECTIVES);
    const material = pick(random, MATERIALS);
    const brand = pick(random, BRANDS);
    const use = pick(random, category.uses);
    const [low, high] = category.priceRangeCents;
    // Prices end in 99 cents, like a shop's.
    const priceCents = Math.floor(randomInt(random, low, high) / 100) * 100 + 99;
    // Most items sit in two or three warehouses; some in one; a few are sold out.
    const stock = DEMO_WAREHOUSES.filter(() => random() < 0.7).map((w) => ({
      warehouseId: w.warehouseId,
      quantity: random() < 0.05 ? 0 : randomInt(random, 1, 60),
    }));
    items.push({
      itemId: demoItemId(n),
      name: `${brand} ${adjective} ${material} ${noun}`,
      description: `A ${adjective.toLowerCase()} ${noun} made with ${material} materials, built for ${use}. By ${brand}.`,
      priceCents,
      type: category.type,
      stock,
    });
  }
  return items;
}

export interface SeedResult {
  warehouses: number;
  itemsCreated: number;
  itemsTotal: number;
}

/** Seeds warehouses (on every shard) and `items` demo items; items that exist already are left alone. */
export async function seedDemoCatalog(
  shardSet: ShardSet,
  options: { items: number; catalog?: CatalogRepository },
): Promise<SeedResult> {
  if (!Number.isInteger(options.items) || options.items < 0) throw new RangeError('items must be >= 0');
  await createWarehouseRepository({ shardSet }).upsertWarehouses(DEMO_WAREHOUSES);
  // Seeding never issues cursors; the secret is irrelevant here.
  const catalog = options.catalog ?? createCatalogRepository({ shardSet, cursorSecret: 'seed-only' });
  const created = await catalog.createItems(demoCatalogItems(options.items));
  return { warehouses: DEMO_WAREHOUSES.length, itemsCreated: created.length, itemsTotal: options.items };
}
