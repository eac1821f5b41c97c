/**
 * Temporal's two databases on its own PostgreSQL, created if missing and brought to the schema version the
 * server expects with its SQL tool. Safe to run at every start: update-schema applies only what is missing.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import type { TemporalServerBinaries } from './server-binaries.js';

const run = promisify(execFile);

/** Each database and the folder of its versioned schema under `schema/postgresql/v12`. */
export const TEMPORAL_DATABASES = [
  { name: 'temporal', schema: 'temporal' },
  { name: 'temporal_visibility', schema: 'visibility' },
] as const;

export interface TemporalDbAddress {
  host: string;
  port: number;
  user: string;
  password: string;
}

export async function setUpTemporalSchema(
  binaries: TemporalServerBinaries,
  db: TemporalDbAddress,
  say: (message: string) => void,
): Promise<void> {
  const admin = postgres({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database: 'postgres',
    max: 1,
    onnotice: () => {},
  });
  try {
    for (const { name, schema } of TEMPORAL_DATABASES) {
      const [found] = await admin`select 1 as found from pg_database where datname = ${name}`;
      if (!found) await admin.unsafe(`create database ${name}`);
      const tool = (...args: string[]) =>
        run(binaries.sqlTool, [
          '--plugin',
          'postgres12',
          '--ep',
          db.host,
          '-p',
          String(db.port),
          '-u',
          db.user,
          ...(db.password ? ['--pw', db.password] : []),
          '--db',
          name,
          ...args,
        ]);
      await tool('setup-schema', '-v', '0.0');
      await tool('update-schema', '-d', path.join(binaries.postgresSchemaDir, schema, 'versioned'));
      say(`${name}: ${found ? 'schema brought up to date' : 'created, schema applied'}`);
    }
  } finally {
    await admin.end({ timeout: 1 });
  }
}
