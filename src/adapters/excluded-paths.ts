/**
 * Decides which request paths need no token. An entry `/health` matches that path (with or without
 * a trailing `/`); an entry ending in `/*` matches every path below it on a segment boundary, so
 * `/public/*` matches `/public` and `/public/docs` but not `/publicity`. Matching ignores case, as
 * the Koa and Express routers do by default.
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
