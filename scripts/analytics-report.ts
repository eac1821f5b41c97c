/**
 * `npm run report`: revenue per day, top items, fulfillment times and cancellation rates from the analytics
 * warehouse (ANALYTICS_DB_PATH), opened read-only. It holds what the last export copied; an export running
 * at that moment holds the file, and the report says so.
 */
import { buildReport, formatSection } from '../analytics/report.js';
import { readVar } from '../config/env.js';
import { openReadOnly } from './lib/analytics-file.js';

const file = readVar('ANALYTICS_DB_PATH');
const warehouse = await openReadOnly(file);
try {
  for (const section of await buildReport(warehouse)) console.log(`${formatSection(section)}\n`);
} finally {
  warehouse.close();
}
