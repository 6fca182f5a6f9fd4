const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Checks that `value` is an address the library may fetch documents from: an absolute `https:` URL,
 * or `http:` on a loopback host, with no user name, password or fragment.
 *
 * @returns `undefined` when the URL is acceptable, otherwise the reason it is not.
 */
export function checkDocumentUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    return 'must use https (http is accepted only for 127.0.0.1, [::1] and localhost)';
  }
  if (url.username !== '' || url.password !== '') {
    return 'must not contain a user name or password';
  }
  if (value.includes('#')) {
    return 'must not contain a fragment';
  }
  return undefined;
}
