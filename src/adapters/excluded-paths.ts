import { posix } from 'node:path';

/**
 * Decides which request paths need no token. An entry `/health` matches that path, with or without
 * a trailing `/`. An entry ending in `/*` matches every path below it on a segment boundary, so
 * `/public/*` matches `/public` and `/public/docs` but not `/publicity`. Matching ignores case, as
 * the Koa and Express routers do by default.
 *
 * A path is excluded only when both its raw form and its decoded form, with dot segments resolved,
 * match, so that no spelling of a protected path (`/public/../admin`, `/public/%2e%2e/admin`)
 * passes as an excluded one.
 */
export class ExcludedPaths {
  private readonly exact = new Set<string>();
  private readonly prefixes: string[] = [];

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      if (entry.endsWith('/*')) {
        this.prefixes.push(normalize(entry.slice(0, -2)));
      } else {
        this.exact.add(normalize(entry));
      }
    }
  }

  /** Tells whether `path` (the request path without its query) needs no token. */
  includes(path: string): boolean {
    const resolved = resolvePath(path);
    return resolved !== undefined && this.matches(path) && this.matches(resolved);
  }

  private matches(path: string): boolean {
    const normalized = normalize(path);
    if (this.exact.has(normalized)) {
      return true;
    }
    return this.prefixes.some((prefix) => normalized === prefix || normalized.startsWith(`${prefix}/`));
  }
}

function normalize(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}

// Decodes percent-encoding and resolves `.` and `..` segments; `undefined` for undecodable input.
function resolvePath(path: string): string | undefined {
  try {
    return posix.normalize(decodeURIComponent(path));
  } catch {
    return undefined;
  }
}
