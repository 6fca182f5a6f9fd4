/** The parts of a response that tests check. */
export interface Reply {
  status: number;
  body: Record<string, unknown>;
  wwwAuthenticate: string | null;
  text: string;
}

/** Sends a GET to `url` with an optional bearer token or raw `Authorization` header. */
export async function get(url: string, auth?: { token?: string; authorization?: string }): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (auth?.token !== undefined) {
    headers.authorization = `Bearer ${auth.token}`;
  }
  if (auth?.authorization !== undefined) {
    headers.authorization = auth.authorization;
  }
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, body: parseObject(text), wwwAuthenticate: response.headers.get('www-authenticate'), text };
}

function parseObject(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}
