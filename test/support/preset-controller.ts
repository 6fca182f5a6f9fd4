import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import Koa from 'koa';
import { CurrentUser, Get, JsonController, useKoaServer } from 'routing-controllers';

import { Authorized, authorizationChecker, currentUserChecker, ExpressAuthErrorHandler } from '../../src/index.js';
import type { RunningApp } from './test-apps.js';

type Claims = Record<string, unknown>;
const SPACES = { delimiter: ' ' };

/**
 * Routes guarded the way each provider's documentation suggests: roles from the provider's preset
 * roles claim, or from a claim a route names.
 */
@JsonController('/presets')
export class PresetController {
  @Get('/me')
  @Authorized()
  me(@CurrentUser() user: Claims): Claims {
    return { sub: user.sub };
  }

  /** Needs `admin` in the provider's roles claim. */
  @Get('/admin')
  @Authorized('admin')
  admin(): Claims {
    return { route: 'admin' };
  }

  @Get('/okta/admins')
  @Authorized('Admins')
  oktaAdmins(): Claims {
    return { route: 'okta/admins' };
  }

  @Get('/azure/admin')
  @Authorized('Orders.Admin')
  azureAdmin(): Claims {
    return { route: 'azure/admin' };
  }

  @Get('/cognito/admins')
  @Authorized('admins')
  cognitoAdmins(): Claims {
    return { route: 'cognito/admins' };
  }

  @Get('/auth0/write')
  @Authorized('write:orders')
  auth0Write(): Claims {
    return { route: 'auth0/write' };
  }

  @Get('/auth0/admin')
  @Authorized('admin', { rolesKey: 'https://example.com/roles' })
  auth0Admin(): Claims {
    return { route: 'auth0/admin' };
  }

  @Get('/keycloak/orders')
  @Authorized('orders-read', { rolesKey: 'resource_access.example-api.roles' })
  keycloakOrders(): Claims {
    return { route: 'keycloak/orders' };
  }

  /** Space-delimited scopes in `scp`, as Azure AD, Azure AD B2C and Salesforce send them. */
  @Get('/scp/orders-read')
  @Authorized('Orders.Read', { rolesKey: 'scp', ...SPACES })
  scpOrdersRead(): Claims {
    return { route: 'scp/orders-read' };
  }

  /** `scp` as an array, as Okta sends it. */
  @Get('/scp/orders-colon-read')
  @Authorized('orders:read', { rolesKey: 'scp' })
  scpArray(): Claims {
    return { route: 'scp/orders-colon-read' };
  }

  @Get('/scp/api')
  @Authorized('api', { rolesKey: 'scp', ...SPACES })
  scpApi(): Claims {
    return { route: 'scp/api' };
  }

  /** `scope`, a space-delimited string (PingOne, Cognito) or an array (PingFederate). */
  @Get('/scope/orders-read')
  @Authorized(['orders:read', 'https://api.example.com/orders.read'], { rolesKey: 'scope', ...SPACES })
  scopeOrdersRead(): Claims {
    return { route: 'scope/orders-read' };
  }

  @Get('/ping/region')
  @Authorized('NA', { rolesKey: 'p1.region' })
  pingRegion(): Claims {
    return { route: 'ping/region' };
  }

  @Get('/github/deploy')
  @Authorized('example-org/example-repo', { rolesKey: 'repository' })
  @Authorized('refs/heads/main', { rolesKey: 'ref' })
  @Authorized('prod', { rolesKey: 'environment' })
  githubDeploy(): Claims {
    return { route: 'github/deploy' };
  }
}

/** Starts a Koa app with {@link PresetController} only, on loopback. */
export async function startPresetApp(): Promise<RunningApp> {
  const app = new Koa();
  useKoaServer(app, { controllers: [PresetController], middlewares: [ExpressAuthErrorHandler], authorizationChecker, currentUserChecker, development: false });
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
