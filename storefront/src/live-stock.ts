/** An item's available units as they change: GET /items/:itemId/stock/events (server-sent events). */
export interface StockLevel {
  itemId: string;
  available: number;
}

/** Calls `onLevel` with the current level and then every change; the returned function closes the stream. */
export function watchStock(itemId: string, onLevel: (level: StockLevel) => void): () => void {
  const source = new EventSource(`/items/${encodeURIComponent(itemId)}/stock/events`);
  source.addEventListener('stock', (event) => {
    onLevel(JSON.parse((event as MessageEvent<string>).data) as StockLevel);
  });
  return () => source.close();
}
