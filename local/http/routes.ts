/**
 * Route matching with HTTP API semantics, so a request that 404s on AWS 404s locally too.
 *
 * HTTP API route keys are `METHOD /path` where a segment may be `{name}` (exactly one segment)
 * or, as the last segment, `{name+}` (greedy, one or more segments). `ANY` matches every method.
 * The most specific route wins: literal segments beat `{param}`, which beats `{proxy+}`.
 */

export interface RouteDefinition {
  method: string;
  /** e.g. `/leads/{id}` or `/files/{proxy+}`. */
  path: string;
  /** Opaque name handed to `invoke`, e.g. the handler module. */
  handler: string;
  auth: 'none' | 'jwt';
}

export interface RouteMatch {
  route: RouteDefinition;
  /** `POST /leads`, exactly as API Gateway puts it into `routeKey`. */
  routeKey: string;
  pathParameters: Record<string, string>;
}

type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string };

interface CompiledRoute {
  route: RouteDefinition;
  method: string;
  segments: Segment[];
  /** Higher is more specific; used to order candidates. */
  specificity: number;
}

const splitPath = (path: string): string[] => path.split('/').slice(1);

const compileSegment = (raw: string, isLast: boolean, routePath: string): Segment => {
  const greedy = /^\{([A-Za-z0-9_.-]+)\+\}$/.exec(raw);
  if (greedy?.[1]) {
    if (!isLast) throw new Error(`Greedy path variable must be the last segment: ${routePath}`);
    return { kind: 'greedy', name: greedy[1] };
  }
  const param = /^\{([A-Za-z0-9_.-]+)\}$/.exec(raw);
  if (param?.[1]) return { kind: 'param', name: param[1] };
  return { kind: 'literal', value: raw };
};

const compile = (route: RouteDefinition): CompiledRoute => {
  if (!route.path.startsWith('/')) throw new Error(`Route path must start with '/': ${route.path}`);
  const raw = splitPath(route.path);
  const segments = raw.map((s, i) => compileSegment(s, i === raw.length - 1, route.path));
  // Literal segments weigh most, then single params; greedy adds nothing. Ties go to more segments.
  const specificity = segments.reduce(
    (sum, s) => sum + (s.kind === 'literal' ? 1_000 : s.kind === 'param' ? 10 : 0),
    segments.length,
  );
  return { route, method: route.method.toUpperCase(), segments, specificity };
};

const matchSegments = (segments: Segment[], parts: string[]): Record<string, string> | undefined => {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      params[segment.name] = rest.join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (segment.value !== part) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.name] = part;
    }
  }
  return parts.length === segments.length ? params : undefined;
};

const decodeParam = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

export const createRouter = (routes: RouteDefinition[]) => {
  const compiled = routes.map(compile).sort((a, b) => b.specificity - a.specificity);

  return {
    /**
     * Finds the route for a request. `path` is the encoded request path; path parameters are
     * returned decoded, as API Gateway passes them to the integration.
     */
    match(method: string, path: string): RouteMatch | undefined {
      const parts = splitPath(path);
      const upper = method.toUpperCase();
      for (const candidate of compiled) {
        if (candidate.method !== upper && candidate.method !== 'ANY') continue;
        const params = matchSegments(candidate.segments, parts);
        if (!params) continue;
        const pathParameters = Object.fromEntries(
          Object.entries(params).map(([k, v]) => [k, decodeParam(v)]),
        );
        return {
          route: candidate.route,
          routeKey: `${candidate.method} ${candidate.route.path}`,
          pathParameters,
        };
      }
      return undefined;
    },
  };
};
