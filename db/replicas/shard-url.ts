/**
 * A shard's connection URL, which names one server or, for a shard with standbys, every node of it
 * (`postgres://user@host1:port1,host2:port2/db?target_session_attrs=primary`).
 */

const SCHEME = /^(postgres(?:ql)?:\/\/)([^/?]*)(.*)$/;

interface UrlParts {
  scheme: string;
  user: string;
  hosts: string[];
  rest: string;
}

function partsOf(url: string): UrlParts {
  const match = SCHEME.exec(url);
  if (!match) throw new RangeError('not a postgres:// URL');
  const [, scheme, authority, rest] = match;
  const at = authority!.lastIndexOf('@');
  return {
    scheme: scheme!,
    user: at >= 0 ? authority!.slice(0, at + 1) : '',
    hosts: authority!.slice(at + 1).split(','),
    rest: rest!,
  };
}

/** `host:port` of every node the URL names, in its order. */
export function hostsOf(url: string): string[] {
  return partsOf(url).hosts;
}

/** The same URL with `target_session_attrs` set to `attrs` (added or replaced). */
export function withSessionAttrs(url: string, attrs: string): string {
  const { scheme, user, hosts, rest } = partsOf(url);
  const queryAt = rest.indexOf('?');
  const pathPart = queryAt >= 0 ? rest.slice(0, queryAt) : rest;
  const params = new URLSearchParams(queryAt >= 0 ? rest.slice(queryAt + 1) : '');
  params.set('target_session_attrs', attrs);
  return `${scheme}${user}${hosts.join(',')}${pathPart}?${params.toString()}`;
}

export function sessionAttrsOf(url: string): string | null {
  const rest = partsOf(url).rest;
  const queryAt = rest.indexOf('?');
  return queryAt >= 0 ? new URLSearchParams(rest.slice(queryAt + 1)).get('target_session_attrs') : null;
}

/**
 * Splits SHARD_URLS into one URL per shard. Shards are separated by commas, and so are the hosts of one
 * shard; a comma starts a new shard only where a `postgres://` scheme follows it.
 */
export function splitShardUrls(raw: string): string[] {
  return raw
    .split(/,(?=\s*postgres(?:ql)?:\/\/)/)
    .map((url) => url.trim().replace(/,+$/, ''))
    .filter((url) => url.length > 0);
}

/** A URL to one node of the shard, with `target_session_attrs` set to `attrs` or, by default, removed. */
export function singleNodeUrl(url: string, host: string, attrs?: string): string {
  const { scheme, user, rest } = partsOf(url);
  const queryAt = rest.indexOf('?');
  const pathPart = queryAt >= 0 ? rest.slice(0, queryAt) : rest;
  const params = new URLSearchParams(queryAt >= 0 ? rest.slice(queryAt + 1) : '');
  if (attrs === undefined) params.delete('target_session_attrs');
  else params.set('target_session_attrs', attrs);
  const query = params.toString();
  return `${scheme}${user}${host}${pathPart}${query ? `?${query}` : ''}`;
}
