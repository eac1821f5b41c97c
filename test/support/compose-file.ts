/**
 * A docker-compose file as the compose tests read it: parsed with merge keys, interpolated as a fresh
 * `docker compose up` with an empty shell would, and small readers for the parts the checks look at.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Pair, parseDocument, Scalar, visit, YAMLMap } from 'yaml';

export type Service = Record<string, unknown>;
export interface Compose {
  readonly [key: string]: unknown;
  services: Record<string, Service>;
}

export type Problems = string[];

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Resolves compose interpolation in one string against `hostEnv` (empty: a fresh shell).
 * Supports $$, $NAME, ${NAME}, ${NAME:-d}, ${NAME-d}, ${NAME:?e}, ${NAME?e}, ${NAME:+v}, ${NAME+v}.
 */
export function interpolate(
  value: string,
  hostEnv: Readonly<Record<string, string>> = {},
): { value: string; problems: Problems } {
  const problems: Problems = [];
  const out = value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)|\$\{[^}]*\}?/g,
    (match, name?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      if (bare !== undefined) return hostEnv[bare] ?? '';
      if (name === undefined) {
        problems.push(`unsupported interpolation "${match}" in "${value}"`);
        return match;
      }
      const set = hostEnv[name];
      const setNonEmpty = set !== undefined && set !== '';
      switch (op) {
        case undefined:
          return set ?? '';
        case ':-':
          return setNonEmpty ? set : (arg ?? '');
        case '-':
          return set ?? arg ?? '';
        case ':?':
        case '?':
          if (op === ':?' ? !setNonEmpty : set === undefined) {
            problems.push(`"${value}" requires ${name} in the shell environment`);
            return '';
          }
          return set ?? '';
        case ':+':
          return setNonEmpty ? (arg ?? '') : '';
        case '+':
          return set !== undefined ? (arg ?? '') : '';
        default:
          problems.push(`unsupported interpolation "${match}" in "${value}"`);
          return match;
      }
    },
  );
  return { value: out, problems };
}

export function interpolateDeep(node: unknown, problems: Problems): unknown {
  if (typeof node === 'string') {
    const r = interpolate(node);
    problems.push(...r.problems);
    return r.value;
  }
  if (Array.isArray(node)) return node.map((n) => interpolateDeep(n, problems));
  if (isRecord(node)) {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateDeep(v, problems)]));
  }
  return node;
}

export function parseCompose(text: string): { compose: Compose; problems: Problems } {
  return parseComposeFiles([text]);
}

/**
 * Several compose files as `docker compose -f first -f second …` sees them: each parsed, then merged in
 * order by compose's rules (mergeCompose), then interpolated.
 */
export function parseComposeFiles(texts: readonly string[]): { compose: Compose; problems: Problems } {
  const merged = texts.map(parseYaml).reduce<unknown>((base, next) => mergeCompose(base, next), undefined);
  return resolveCompose(merged);
}

// `!override` and `!reset` (Compose 2.24+) become these one-key maps until the merge acts on them.
const OVERRIDE = '\u0000!override';
const RESET = '\u0000!reset';

function parseYaml(text: string): unknown {
  // Compose honours YAML merge keys (`<<: *anchor`); YAML 1.2 parsers need them switched on.
  const doc = parseDocument(text, { merge: true });
  if (doc.errors[0]) throw doc.errors[0];
  visit(doc, {
    Node(_, node) {
      const tag = node.tag;
      if (tag !== '!override' && tag !== '!reset') return undefined;
      node.tag = undefined;
      const marked = new YAMLMap();
      marked.items.push(
        new Pair(new Scalar(tag === '!override' ? OVERRIDE : RESET), tag === '!override' ? node : true),
      );
      return marked;
    },
  });
  return doc.toJS();
}

function tagged(v: unknown, tag: string): boolean {
  return isRecord(v) && Object.keys(v).length === 1 && tag in v;
}

/** Resolves tags left where nothing was merged: `!override x` is x, `!reset` removes the key. */
function stripTags(node: unknown): unknown {
  if (tagged(node, OVERRIDE)) return stripTags((node as Record<string, unknown>)[OVERRIDE]);
  if (Array.isArray(node)) return node.map(stripTags);
  if (isRecord(node)) {
    return Object.fromEntries(
      Object.entries(node)
        .filter(([, v]) => !tagged(v, RESET))
        .map(([k, v]) => [k, stripTags(v)]),
    );
  }
  return node;
}

/** Service attributes whose value the later file replaces whole, even as a sequence. */
const REPLACED = new Set(['command', 'entrypoint']);
/** Service attributes that are maps in list form (`- KEY=value`, `- service`): merged as maps. */
const LIST_MAPS: Readonly<Record<string, (item: string) => [string, unknown]>> = {
  environment: (item) => {
    const eq = item.indexOf('=');
    return eq < 0 ? [item, null] : [item.slice(0, eq), item.slice(eq + 1)];
  },
  labels: (item) => {
    const eq = item.indexOf('=');
    return eq < 0 ? [item, ''] : [item.slice(0, eq), item.slice(eq + 1)];
  },
  depends_on: (item) => [item, { condition: 'service_started' }],
};
const sourceOf = (item: unknown) => (isRecord(item) ? scalar(item['source']) : scalar(item)) ?? '';
/** Service attributes listing unique resources: a later entry with the same key replaces the earlier. */
const UNIQUE_BY: Readonly<Record<string, (item: unknown) => string>> = {
  volumes: (item) => {
    if (isRecord(item)) return scalar(item['target']) ?? '';
    const parts = (scalar(item) ?? '').split(':');
    return (parts.length === 1 ? parts[0] : parts[1]) ?? '';
  },
  ports: (item) => JSON.stringify(item),
  secrets: sourceOf,
  configs: sourceOf,
};

/**
 * `override` merged onto `base` as compose merges a later file onto an earlier one: mappings key by key,
 * sequences appended, except a service's `command`, `entrypoint` and `healthcheck.test`, which are
 * replaced; its ports, volumes, secrets and configs are unique by their target or source, and its
 * environment, labels and depends_on are maps even in list form; `!override` replaces and `!reset`
 * removes. `path` is where the values sit (`['services', 'api', 'command']`). Neither input is changed.
 */
export function mergeCompose(base: unknown, override: unknown, path: readonly string[] = []): unknown {
  if (tagged(override, RESET)) return undefined;
  if (tagged(override, OVERRIDE) || base === undefined) return stripTags(override);
  const attribute = path.length === 3 && path[0] === 'services' ? path[2] : undefined;
  const healthcheckTest = path.length === 4 && path[0] === 'services' && path[2] === 'healthcheck';
  if ((attribute !== undefined && REPLACED.has(attribute)) || (healthcheckTest && path[3] === 'test'))
    return stripTags(override);
  const toMap = attribute === undefined ? undefined : LIST_MAPS[attribute];
  const asMap = (v: unknown) =>
    toMap !== undefined && Array.isArray(v) ? Object.fromEntries(v.map((i) => toMap(String(i)))) : v;
  const [b, o] = [asMap(base), asMap(override)];
  if (isRecord(b) && isRecord(o)) {
    const out: Record<string, unknown> = { ...b };
    for (const [k, v] of Object.entries(o)) {
      const merged = mergeCompose(b[k], v, [...path, k]);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  if (Array.isArray(b) && Array.isArray(o)) {
    const uniqueBy = attribute === undefined ? undefined : UNIQUE_BY[attribute];
    if (uniqueBy === undefined) return [...b, ...o];
    const later = new Set(o.map(uniqueBy));
    return [...b.filter((item) => !later.has(uniqueBy(item))), ...o];
  }
  return stripTags(override);
}

function resolveCompose(raw: unknown): { compose: Compose; problems: Problems } {
  const problems: Problems = [];
  const resolved = interpolateDeep(raw, problems);
  if (!isRecord(resolved) || !isRecord(resolved['services'])) {
    return { compose: { services: {} }, problems: [...problems, 'the file has no services: map'] };
  }
  const services: Record<string, Service> = {};
  for (const [name, svc] of Object.entries(resolved['services'])) {
    if (!isRecord(svc)) problems.push(`service ${name} is not a map`);
    else services[name] = svc;
  }
  return { compose: { ...resolved, services }, problems };
}

/** A deep copy that shares nothing, for mutation tests. */
export function clone(c: Compose): Compose {
  return JSON.parse(JSON.stringify(c)) as Compose;
}

export function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** The environment a service's container gets from the compose file (map or list syntax). */
export function envOf(svc: Service | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  const raw = svc?.['environment'];
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const s = scalar(item);
      if (s === undefined) continue;
      const eq = s.indexOf('=');
      if (eq > 0) env[s.slice(0, eq)] = s.slice(eq + 1);
    }
  } else if (isRecord(raw)) {
    for (const [k, v] of Object.entries(raw)) {
      const s = scalar(v);
      if (s !== undefined) env[k] = s; // null = pass-through from the shell: unset here
    }
  }
  return env;
}

/** `command:` as an argv (string form split on whitespace, as compose does for simple commands). */
export function argv(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((a) => scalar(a) ?? '');
  const s = scalar(v);
  return s === undefined ? [] : s.trim().split(/\s+/);
}

export function dependsOn(svc: Service | undefined): Record<string, string> {
  const raw = svc?.['depends_on'];
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((d) => [String(d), 'service_started']));
  if (isRecord(raw)) {
    return Object.fromEntries(
      Object.entries(raw).map(([k, v]) => [k, (isRecord(v) && scalar(v['condition'])) || 'service_started']),
    );
  }
  return {};
}

export interface PortMapping {
  hostIp?: string;
  published?: string;
  target: string;
}

export function portsOf(svc: Service | undefined): PortMapping[] {
  const raw = svc?.['ports'];
  if (!Array.isArray(raw)) return [];
  const out: PortMapping[] = [];
  for (const p of raw) {
    if (isRecord(p)) {
      const target = scalar(p['target']);
      if (target !== undefined) out.push({ target, published: scalar(p['published']) });
      continue;
    }
    let s = scalar(p);
    if (s === undefined) continue;
    s = s.replace(/\/(tcp|udp|sctp)$/, '');
    let hostIp: string | undefined;
    const v6 = /^\[([^\]]+)\]:(.*)$/.exec(s);
    if (v6) {
      hostIp = v6[1];
      s = v6[2] ?? '';
    }
    const parts = s.split(':');
    const target = parts.pop() ?? '';
    const published = parts.pop();
    if (parts.length > 0) hostIp = parts.join(':');
    out.push({ hostIp, published, target });
  }
  return out;
}

/** Container ports a service offers to the network: published targets and `expose:`. */
export function containerPorts(svc: Service | undefined): Set<string> {
  const ports = new Set(portsOf(svc).map((p) => p.target));
  const expose = svc?.['expose'];
  if (Array.isArray(expose)) {
    for (const e of expose) ports.add((scalar(e) ?? '').replace(/\/(tcp|udp|sctp)$/, ''));
  }
  return ports;
}

export interface VolumeMount {
  source?: string;
  target: string;
}

export function volumesOf(svc: Service | undefined): VolumeMount[] {
  const raw = svc?.['volumes'];
  if (!Array.isArray(raw)) return [];
  const out: VolumeMount[] = [];
  for (const v of raw) {
    if (isRecord(v)) {
      const target = scalar(v['target']);
      if (target !== undefined) out.push({ source: scalar(v['source']), target });
      continue;
    }
    const parts = (scalar(v) ?? '').split(':');
    if (parts.length === 1) out.push({ target: parts[0] ?? '' });
    else out.push({ source: parts[0], target: parts[1] ?? '' });
  }
  return out;
}

/** A bind mount's source as a path in the repo (compose resolves relative paths from the file). */
export function hostPath(root: string, source: string | undefined): string | undefined {
  if (source === undefined || !/^(\.{1,2}\/|\/)/.test(source)) return undefined; // named volume
  return path.resolve(root, source);
}

export function healthcheckText(svc: Service | undefined): string | undefined {
  const hc = svc?.['healthcheck'];
  if (!isRecord(hc) || hc['disable'] === true) return undefined;
  const t = hc['test'];
  if (Array.isArray(t)) return t.map((a) => scalar(a) ?? '').join(' ');
  return scalar(t);
}

export function isBuilt(svc: Service): boolean {
  return svc['build'] !== undefined;
}

export function restartPolicy(svc: Service | undefined): string {
  return scalar(svc?.['restart']) ?? 'no';
}

/** Compose duration ("30s", "1m30s", "1500ms") in seconds; compose's default stop grace is 10s. */
export function durationSeconds(v: unknown): number | undefined {
  if (v === undefined) return 10;
  const s = scalar(v);
  if (s === undefined || !/^(\d+(\.\d+)?(us|ms|s|m|h))+$/.test(s)) return undefined;
  const unit: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)) {
    total += Number(m[1]) * (unit[m[2] ?? ''] ?? 0);
  }
  return total;
}

/** What a service runs: its entrypoint and command, plus the text of any script mounted from the repo. */
export function scriptOf(svc: Service | undefined, root: string): string {
  let text = [...argv(svc?.['entrypoint']), ...argv(svc?.['command'])].join(' ');
  for (const v of volumesOf(svc)) {
    const src = hostPath(root, v.source);
    if (src !== undefined && existsSync(src) && text.includes(v.target))
      text += `\n${readFileSync(src, 'utf8')}`;
  }
  return text;
}

/** Whether compose starts a service with `profiles` enabled: one without profiles always starts. */
export function isActive(svc: Service | undefined, profiles: readonly string[] = []): boolean {
  const own = svc?.['profiles'];
  return !Array.isArray(own) || own.length === 0 || own.some((p) => profiles.includes(String(p)));
}

/**
 * depends_on of every service started (with `profiles` enabled) names a service that is defined and
 * started too, with a valid condition; waits for health only on a healthcheck, for completion only on a
 * one-shot.
 */
export function checkDependsOn(c: Compose, profiles: readonly string[] = []): Problems {
  const problems: Problems = [];
  for (const [name, svc] of Object.entries(c.services)) {
    if (!isActive(svc, profiles)) continue;
    for (const [dep, condition] of Object.entries(dependsOn(svc))) {
      if (!(dep in c.services)) problems.push(`${name} depends_on unknown service ${dep}`);
      else if (!isActive(c.services[dep], profiles))
        problems.push(`${name} depends_on ${dep}, which its profiles leave off`);
      if (dep === name) problems.push(`${name} depends on itself`);
      if (!['service_started', 'service_healthy', 'service_completed_successfully'].includes(condition)) {
        problems.push(`${name} depends_on ${dep} with unknown condition ${condition}`);
      }
      if (condition === 'service_healthy' && healthcheckText(c.services[dep]) === undefined) {
        problems.push(`${name} waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
      }
      if (condition === 'service_completed_successfully' && restartPolicy(c.services[dep]) !== 'no') {
        problems.push(
          `${name} waits for one-shot ${dep} to complete, but ${dep} restarts (${restartPolicy(c.services[dep])})`,
        );
      }
    }
  }
  return problems;
}

/** A mutated file must give at least one problem, and one matching `pattern`. */
export function assertBites(problems: Problems, pattern: RegExp): void {
  assert.ok(problems.length > 0, 'the mutation went unnoticed');
  assert.ok(
    problems.some((p) => pattern.test(p)),
    `expected a problem matching ${pattern}, got:\n${problems.join('\n')}`,
  );
}
