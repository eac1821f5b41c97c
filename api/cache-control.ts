/** Cache-Control policies (seed: catalog reads are public and short-lived; personal data is never shared). */
import type { Context } from 'hono';

export const CATALOG_MAX_AGE_SECONDS = 30;

export function cachePublicly(c: Context): void {
  c.header('Cache-Control', `public, max-age=${CATALOG_MAX_AGE_SECONDS}`);
}

/** Carts and orders: caches may keep them only for this user, and must revalidate before each use. */
export function cachePrivately(c: Context): void {
  c.header('Cache-Control', 'private, no-cache');
  c.header('Vary', 'Authorization');
}

export function doNotStore(c: Context): void {
  c.header('Cache-Control', 'no-store');
}
