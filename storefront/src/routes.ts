/** Every page of the storefront and the console, by hash route. */
import type { Route } from './router.js';

export const ROUTES: Route[] = [];
