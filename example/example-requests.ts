import { ADMIN_TOKEN, PARTNER_ROLES_CLAIM_TOKEN, PARTNER_TOKEN, PARTNER_WRONG_AUD_TOKEN, VIEWER_TOKEN } from './example-tokens.js';

/** One request that the example prints as a curl line and runs with --check. */
export interface ExampleRequest {
  path: string;
  /** Name of the token that is sent (see example-tokens.ts), or `undefined` for a request without a token. */
  token?: string;
  expectedStatus: number;
}

export const EXAMPLE_REQUESTS: ExampleRequest[] = [
  { path: '/public', expectedStatus: 200 },
  { path: '/me', token: VIEWER_TOKEN, expectedStatus: 200 },
  { path: '/admin', token: ADMIN_TOKEN, expectedStatus: 200 },
  { path: '/admin', token: VIEWER_TOKEN, expectedStatus: 403 },
  { path: '/admin', expectedStatus: 401 },
  { path: '/reports', token: ADMIN_TOKEN, expectedStatus: 200 },
  { path: '/reports', token: VIEWER_TOKEN, expectedStatus: 403 },
  { path: '/editorial', token: ADMIN_TOKEN, expectedStatus: 200 },
  { path: '/editorial', token: VIEWER_TOKEN, expectedStatus: 403 },
  // The partner provider reads roles from `groups` and accepts only its own audience.
  { path: '/me', token: PARTNER_TOKEN, expectedStatus: 200 },
  { path: '/admin', token: PARTNER_TOKEN, expectedStatus: 200 },
  { path: '/me', token: PARTNER_WRONG_AUD_TOKEN, expectedStatus: 401 },
  { path: '/admin', token: PARTNER_ROLES_CLAIM_TOKEN, expectedStatus: 403 },
];

/** Formats the shell lines that export the tokens and call each example route with curl. */
export function formatCurlCommands(baseUrl: string, tokens: Map<string, string>): string[] {
  const exportLines = [...tokens].map(([name, token]) => `export ${name}='${token}'`);
  const commands = EXAMPLE_REQUESTS.map((request) => {
    const header = request.token ? ` -H "Authorization: Bearer $${request.token}"` : '';
    return { command: `curl -i${header} ${baseUrl}${request.path}`, status: request.expectedStatus };
  });
  const width = Math.max(...commands.map(({ command }) => command.length));
  const commandLines = commands.map(({ command, status }) => `${command.padEnd(width)}  # expect ${status}`);

  return [...exportLines, '', ...commandLines];
}

/** Sends every example request and prints an `expected actual path token` table. Returns true if all statuses match. */
export async function checkExampleRequests(baseUrl: string, tokens: Map<string, string>): Promise<boolean> {
  console.log(['expected', 'actual', 'path'.padEnd(12), 'token'].join('  '));
  let allMatch = true;

  for (const request of EXAMPLE_REQUESTS) {
    const response = await fetch(`${baseUrl}${request.path}`, { headers: authorizationHeader(request, tokens) });
    const body = await response.text();
    const matches = response.status === request.expectedStatus;
    allMatch &&= matches;

    const tokenName = request.token ?? 'no token';
    console.log([String(request.expectedStatus).padEnd(8), String(response.status).padEnd(6), request.path.padEnd(12), tokenName].join('  '));
    if (!matches) console.log(`  mismatch, response body: ${body.slice(0, 300)}`);
  }
  return allMatch;
}

function authorizationHeader(request: ExampleRequest, tokens: Map<string, string>): Record<string, string> {
  if (request.token === undefined) return {};
  const token = tokens.get(request.token);
  if (token === undefined) throw new Error(`Token ${request.token} not found: add it to issueExampleTokens`);
  return { authorization: `Bearer ${token}` };
}
