/**
 * `npm run analytics:parquet -- <directory>`: writes each table of the analytics warehouse
 * (ANALYTICS_DB_PATH) to `<directory>/<table>.parquet`, for tools that read Parquet.
 */
import path from 'node:path';
import { exportParquet } from '../analytics/parquet.js';
import { readVar } from '../config/env.js';
import { openReadOnly } from './lib/analytics-file.js';

const directory = process.argv[2];
if (!directory) {
  console.error('usage: npm run analytics:parquet -- <directory>');
  process.exit(2);
}
const file = readVar('ANALYTICS_DB_PATH');
const warehouse = await openReadOnly(file);
try {
  for (const written of await exportParquet(warehouse, path.resolve(directory)))
    console.log(`${written.file}: ${written.rows} rows`);
} finally {
  warehouse.close();
}
