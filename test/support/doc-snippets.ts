import { readFileSync } from 'node:fs';

import * as library from '../../src/index.js';
import type { OidcAuthOptions } from '../../src/index.js';

/** The check that a `<!-- snippet-test: … -->` comment requests for the ` ```ts ` block after it. */
export interface SnippetTest {
  /** Payload file of `test/fixtures/claims` that the token is signed over. */
  fixture: string;
  /** Entry of `test/fixtures/claims/headers.json` whose `typ` the token gets. Default: the fixture name. */
  header?: string;
  /** Routes of the preset app, such as `/presets/admin`, that the token is sent to. */
  routes: string[];
  /** HTTP status each route must return. Default 200. */
  status: number;
  /** Issuer the discovery document declares, when it is not the discovery URL's prefix. */
  declare?: string;
  /** Issuer the token carries, as the page writes it, when it is not the fixture's. */
  iss?: string;
  /** Claims set on top of the fixture, from `claim.NAME=VALUE` entries; values are strings. */
  claims: Record<string, string>;
  /** `HS512` signs the token with a client secret, as Duo Universal Prompt does, instead of the double's key. */
  sign?: 'HS512';
}

/** A configuration block of a provider page, with the check its marker comment requests. */
export interface Snippet {
  test: SnippetTest;
  code: string;
}

const MARKED_BLOCK = /<!-- snippet-test:([^>]*)-->\s*```ts\n([\s\S]*?)```/g;
const NAMED_IMPORT = /^import\s+\{([^}]*)\}\s+from\s+'([^']+)';?[ \t]*$/gm;
const LIBRARY = 'routing-controllers-oidc';

/** Returns every ` ```ts ` block of the page at `path` that directly follows a snippet-test comment. */
export function readSnippets(path: string): Snippet[] {
  const page = readFileSync(path, 'utf8');
  return [...page.matchAll(MARKED_BLOCK)].map((match) => ({ test: parseMarker(match[1]), code: match[2] }));
}

function parseMarker(text: string): SnippetTest {
  const fields = new Map<string, string>();
  for (const pair of text.trim().split(/\s+/)) {
    const [key, ...rest] = pair.split('=');
    fields.set(key, rest.join('='));
  }
  const fixture = fields.get('fixture');
  const route = fields.get('route');
  if (fixture === undefined || route === undefined) {
    throw new Error(`snippet-test comment '${text.trim()}' needs fixture= and route=`);
  }
  const sign = fields.get('sign');
  if (sign !== undefined && sign !== 'HS512') {
    throw new Error(`snippet-test sign=${sign} is not supported; use sign=HS512`);
  }
  return {
    fixture,
    header: fields.get('header'),
    routes: route.split(','),
    status: Number(fields.get('status') ?? 200),
    declare: fields.get('declare'),
    iss: fields.get('iss'),
    claims: claimOverrides(fields),
    sign,
  };
}

function claimOverrides(fields: Map<string, string>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [key, value] of fields) {
    if (key.startsWith('claim.')) {
      claims[key.slice('claim.'.length)] = value;
    }
  }
  return claims;
}

/**
 * Runs `code` as JavaScript after removing its imports, with the library exports it imports bound
 * to their real values except `configureOidcAuth`, which records its options instead. Returns the
 * options of each call. Throws when an import names another module or a name the library does not export.
 */
export function captureConfiguration(code: string): OidcAuthOptions[] {
  const names = importedNames(code);
  const captured: OidcAuthOptions[] = [];
  const exports = library as unknown as Record<string, unknown>;
  const values = names.map((name) => (name === 'configureOidcAuth' ? (options: OidcAuthOptions) => captured.push(options) : exports[name]));

  const body = code.replace(NAMED_IMPORT, '');
  new Function(...names, body)(...values);
  return captured;
}

function importedNames(code: string): string[] {
  const names: string[] = [];
  for (const [, list, module] of code.matchAll(NAMED_IMPORT)) {
    if (module !== LIBRARY) {
      throw new Error(`the snippet imports '${module}'; only '${LIBRARY}' is available`);
    }
    names.push(...list.split(',').map((name) => name.trim()).filter((name) => name !== ''));
  }
  const unknown = names.filter((name) => !(name in library));
  if (unknown.length > 0) {
    throw new Error(`the snippet imports ${unknown.join(', ')}, which ${LIBRARY} does not export`);
  }
  if (/^\s*import\s/m.test(code.replace(NAMED_IMPORT, ''))) {
    throw new Error('the snippet has an import other than a named import from one module');
  }
  return names;
}
