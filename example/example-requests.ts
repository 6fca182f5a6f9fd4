/** One request that the example prints as a curl line and runs with --check. */
export interface ExampleRequest {
  path: string;
  /** Client whose token is sent, or `undefined` for a request without a token. */
  clientId?: string;
  expectedStatus: number;
}

export const ADMIN_CLIENT_ID = 'example-admin';
export const VIEWER_CLIENT_ID = 'example-viewer';

/** Shell variable names for each client's token in the printed curl lines. */
const TOKEN_VARIABLES: Record<string, string> = {
  [ADMIN_CLIENT_ID]: 'ADMIN_TOKEN',
  [VIEWER_CLIENT_ID]: 'VIEWER_TOKEN',
};

export const EXAMPLE_REQUESTS: ExampleRequest[] = [
  { path: '/public', expectedStatus: 200 },
  { path: '/me', clientId: VIEWER_CLIENT_ID, expectedStatus: 200 },
  { path: '/admin', clientId: ADMIN_CLIENT_ID, expectedStatus: 200 },
  { path: '/admin', clientId: VIEWER_CLIENT_ID, expectedStatus: 403 },
  { path: '/admin', expectedStatus: 401 },
  { path: '/reports', clientId: ADMIN_CLIENT_ID, expectedStatus: 200 },
  { path: '/reports', clientId: VIEWER_CLIENT_ID, expectedStatus: 403 },
  { path: '/editorial', clientId: ADMIN_CLIENT_ID, expectedStatus: 200 },
  { path: '/editorial', clientId: VIEWER_CLIENT_ID, expectedStatus: 403 },
];

/** Formats the shell lines that export the tokens and call each example route with curl. */
export function formatCurlCommands(baseUrl: string, tokens: Map<string, string>): string[] {
  const exportLines = [...tokens].map(([clientId, token]) => `export ${TOKEN_VARIABLES[clientId]}='${token}'`);
  const commands = EXAMPLE_REQUESTS.map((request) => {
    const header = request.clientId ? ` -H "Authorization: Bearer $${TOKEN_VARIABLES[request.clientId]}"` : '';
    return { command: `curl -i${header} ${baseUrl}${request.path}`, status: request.expectedStatus };
  });
  const width = Math.max(...commands.map(({ command }) => command.length));
  const commandLines = commands.map(({ command, status }) => `${command.padEnd(width)}  # expect ${status}`);

  return [...exportLines, '', ...commandLines];
}

/** Sends every example request and prints an `expected actual path who` table. Returns true if all statuses match. */
export async function checkExampleRequests(baseUrl: string, tokens: Map<string, string>): Promise<boolean> {
  console.log(['expected', 'actual', 'path'.padEnd(12), 'who'].join('  '));
  let allMatch = true;

  for (const request of EXAMPLE_REQUESTS) {
    const token = request.clientId ? tokens.get(request.clientId) : undefined;
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const response = await fetch(`${baseUrl}${request.path}`, { headers });
    const body = await response.text();
    const matches = response.status === request.expectedStatus;
    allMatch &&= matches;

    const tokenOwner = request.clientId ?? 'no token';
    console.log([String(request.expectedStatus).padEnd(8), String(response.status).padEnd(6), request.path.padEnd(12), tokenOwner].join('  '));
    if (!matches) console.log(`  mismatch, response body: ${body.slice(0, 300)}`);
  }
  return allMatch;
}
