import fs from 'node:fs';
import { openWarehouse, type Warehouse, WarehouseBusyError } from '../../analytics/warehouse.js';

/**
 * The warehouse for reading, or the process exits saying why not: no export has made it yet (exit 1), or an
 * export is writing it (exit 3: try again in a moment).
 */
export async function openReadOnly(file: string): Promise<Warehouse> {
  if (!fs.existsSync(file)) {
    console.error(
      `no analytics warehouse at ${file}: no export has run yet (ANALYTICS_EXPORT_INTERVAL_SECONDS)`,
    );
    process.exit(1);
  }
  try {
    return await openWarehouse(file, { readOnly: true });
  } catch (error) {
    if (!(error instanceof WarehouseBusyError)) throw error;
    console.error(
      `the analytics warehouse ${file} is being written by an export; run this again in a moment`,
    );
    process.exit(3);
  }
}
