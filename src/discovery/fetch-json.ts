/** Limits that apply to every document fetched from an identity provider. */
export interface FetchLimits {
  /** Milliseconds before a request is aborted. */
  timeoutMs: number;
  /** Largest accepted response body, in bytes. */
  maxBytes: number;
}

/** A discovery document or JWKS could not be loaded. The message names the URL, so it goes to logs only. */
export class DocumentLoadError extends Error {
  readonly code = 'ERR_OIDC_DOCUMENT_LOAD';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DocumentLoadError';
  }
}

/**
 * Fetches `url` and parses its body as JSON. Redirects are not followed, so a document is only ever
 * read from the address the configuration names.
 *
 * @throws {DocumentLoadError} on a network error, a timeout, a status other than 200, a body over
 * `limits.maxBytes`, or a body that is not JSON.
 */
export async function fetchJson(url: string, limits: FetchLimits): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'error',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(limits.timeoutMs),
    });
  } catch (error) {
    throw new DocumentLoadError(`Request to ${url} failed.`, { cause: error });
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new DocumentLoadError(`Request to ${url} returned status ${response.status}.`);
  }
  const text = await readLimited(response, limits.maxBytes, url);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DocumentLoadError(`Response from ${url} is not valid JSON.`, { cause: error });
  }
}

async function readLimited(response: Response, maxBytes: number, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new DocumentLoadError(`Response from ${url} is larger than ${maxBytes} bytes.`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        throw new DocumentLoadError(`Response from ${url} is larger than ${maxBytes} bytes.`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    await response.body?.cancel().catch(() => undefined);
    throw error instanceof DocumentLoadError ? error : new DocumentLoadError(`Reading ${url} failed.`, { cause: error });
  }
  return Buffer.concat(chunks).toString('utf8');
}
