import type { OidcAuthOptions, ProviderOptions } from '../../src/index.js';

/** Options that name an issuer; they are rewritten with the discovery URLs. */
const ISSUER_OPTIONS = ['issuer', 'tokenIssuer'] as const;

/**
 * Moves the URLs of a documented configuration onto a loopback double, keeping each path. The
 * first origin seen becomes `http://127.0.0.1:port`, and a second one `http://localhost:port`, so
 * an issuer on another host than the discovery URL (Azure AD v1's sts.windows.net, Keycloak's
 * public host name) stays another issuer. A third origin is an error, because nothing stands for it.
 */
export class LoopbackRewrite {
  private readonly origins = new Map<string, string>();

  constructor(private readonly port: number) {}

  /** Returns `url` with its origin replaced by a loopback origin; the rest of the string is kept as written. */
  url(url: string): string {
    const origin = new URL(url).origin;
    if (!url.startsWith(origin)) {
      throw new Error(`'${url}' is not written in its canonical form, so its path cannot be kept`);
    }
    return `${this.loopbackOrigin(origin)}${url.slice(origin.length)}`;
  }

  /** Returns a copy of `options` whose discovery URLs, then issuers, are on loopback. */
  options(options: OidcAuthOptions): OidcAuthOptions {
    const top = this.provider(options);
    const providers = options.providers?.map((provider) => this.provider(provider));
    return providers === undefined ? top : { ...top, providers };
  }

  private provider<T extends Partial<ProviderOptions>>(provider: T): T {
    const copy: T = { ...provider };
    if (provider.oidcUrls !== undefined) {
      copy.oidcUrls = provider.oidcUrls.map((url) => this.url(url));
    }
    for (const option of ISSUER_OPTIONS) {
      const value = provider[option];
      if (value !== undefined) {
        copy[option] = this.url(value);
      }
    }
    return copy;
  }

  private loopbackOrigin(origin: string): string {
    const known = this.origins.get(origin);
    if (known !== undefined) {
      return known;
    }
    const hosts = ['127.0.0.1', 'localhost'];
    const host = hosts[this.origins.size];
    if (host === undefined) {
      throw new Error(`a third origin '${origin}' has no loopback stand-in`);
    }
    const loopback = `http://${host}:${this.port}`;
    this.origins.set(origin, loopback);
    return loopback;
  }
}
