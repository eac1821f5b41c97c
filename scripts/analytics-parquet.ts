/**
 * `npm run analytics:parquet -- <directory>`: writes each table of the analytics warehouse
 * (ANALYTICS_DB_PATH) to `<directory>/<table>.parquet`, for tools that read Parquet.
 */
import fs from 'node:fs';
import path from 'node:path';
import { exportParquet } from '../analytics/parquet.js';
import { openWarehouse } from '../analytics/warehouse.js';
import { readVar } from '../config/env.js';

const directory = process.argv[2];
if (!directory) {
  console.error('usage: npm run analytics:parquet -- <directory>');
  process.exit(2);
}
const file = readVar('ANALYTICS_DB_PATH');
if (!fs.existsSync(file)) {
  console.error(`no analytics warehouse at ${file}: no export has run yet`);
  process.exit(1);
}
const warehouse = await openWarehouse(file, { readOnly: true });
try {
  for (const written of await exportParquet(warehouse, path.resolve(directory)))
    console.log(`${written.file}: ${written.rows} rows`);
} finally {
  warehouse.close();
}
