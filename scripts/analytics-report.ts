/**
 * `npm run report`: revenue per day, top items, fulfillment times and cancellation rates from the analytics
 * warehouse (ANALYTICS_DB_PATH), opened read-only. It holds what the last export copied; an export running
 * at that moment holds the file, and the report says so.
 */
import fs from 'node:fs';
import { buildReport, formatSection } from '../analytics/report.js';
import { openWarehouse } from '../analytics/warehouse.js';
import { readVar } from '../config/env.js';

const file = readVar('ANALYTICS_DB_PATH');
if (!fs.existsSync(file)) {
  console.error(
    `no analytics warehouse at ${file}: no export has run yet (ANALYTICS_EXPORT_INTERVAL_SECONDS)`,
  );
  process.exit(1);
}
const warehouse = await openWarehouse(file, { readOnly: true });
try {
  for (const section of await buildReport(warehouse)) console.log(`${formatSection(section)}\n`);
} finally {
  warehouse.close();
}
