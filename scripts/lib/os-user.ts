/**
 * PostgreSQL refuses to run as root. When this process is root, servers run as the `postgres`
 * OS user (created if missing); otherwise they run as the current user.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

const SERVER_USER = 'postgres';

function lookup(name: string): OsUser | undefined {
  const res = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  if (res.status !== 0) return undefined;
  const gid = execFileSync('id', ['-g', name], { encoding: 'utf8' });
  return { name, uid: Number(res.stdout.trim()), gid: Number(gid.trim()) };
}

/** The user to run PostgreSQL as, or undefined to run as ourselves. */
export function serverUser(): OsUser | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const existing = lookup(SERVER_USER);
  if (existing) return existing;
  const created = spawnSync(
    'useradd',
    ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVER_USER],
    {
      encoding: 'utf8',
    },
  );
  const user = lookup(SERVER_USER);
  if (!user)
    throw new Error(`Cannot create the "${SERVER_USER}" OS user to run PostgreSQL: ${created.stderr}`);
  return user;
}

/** Whether `user` can reach and execute/read `target` (every parent directory must be traversable). */
export function canRunAs(user: OsUser, target: string, mode: 'x' | 'w' = 'x'): boolean {
  return spawnSync('runuser', ['-u', user.name, '--', 'test', `-${mode}`, target]).status === 0;
}

export function chownRecursive(user: OsUser, target: string): void {
  execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, target]);
}
