import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function projectPath(...parts: string[]): string {
  return path.join(PROJECT_ROOT, ...parts);
}

/** Short stable id of this checkout, so two clones on one machine never share state outside the tree. */
export function checkoutId(): string {
  return createHash('sha1').update(PROJECT_ROOT).digest('hex').slice(0, 10);
}
