/** Declares a route behind the bearer token: its section, its security and the problems it can answer. */
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { bearerSecurity, type ProblemStatus, problemResponses } from '../schemas/common.js';

type Method = RouteConfig['method'];
type BearerRouteConfig = Omit<RouteConfig, 'method' | 'path' | 'tags' | 'security'> & {
  /** The problems it can answer, besides its `responses`. */
  problems: ProblemStatus[];
};

/**
 * An operation of the reference's section `tag` that needs the bearer token. `config` is the rest of
 * the route as `createRoute` takes it (summary, description, request, responses), and its problems.
 */
export function bearerRoute<M extends Method, P extends string, R extends BearerRouteConfig>(
  tag: string,
  method: M,
  path: P,
  config: R,
) {
  const { responses, problems, ...about } = config;
  return createRoute({
    method,
    path,
    tags: [tag],
    ...about,
    security: bearerSecurity,
    // Typed as the declared responses alone: a handler answers those; problems are thrown, not returned.
    responses: { ...responses, ...problemResponses(...problems) } as R['responses'],
  });
}
