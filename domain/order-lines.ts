/** The lines of an order as every layer speaks of them: the API, workflows, activities and repositories. */

export interface OrderLine {
  itemId: string;
  quantity: number;
}

export interface PricedLine extends OrderLine {
  priceCents: number;
}

/** A line the stock cannot cover: `available` is what the item has across every warehouse. */
export interface ShortLine {
  itemId: string;
  requested: number;
  available: number;
}
