import type { IncomingMessage } from 'node:http';

import { Authorized as PlainAuthorized, Ctx, CurrentUser, Get, JsonController, Req } from 'routing-controllers';

import { Authorized } from '../../src/index.js';

type Claims = Record<string, unknown>;

/** Routes that exercise every way the library guards an action. */
@JsonController()
export class TestController {
  @Get('/public')
  publicRoute(): Claims {
    return { public: true };
  }

  @Get('/public/whoami')
  publicWhoAmI(@CurrentUser() user?: Claims): Claims {
    return { user: user ?? null };
  }

  @Get('/public/required-user')
  publicRequiredUser(@CurrentUser({ required: true }) user: Claims): Claims {
    return { sub: user.sub };
  }

  @Get('/me')
  me(@CurrentUser() user: Claims): Claims {
    return { sub: user.sub, roles: user.roles ?? null };
  }

  @Get('/any-token')
  @Authorized()
  anyToken(@CurrentUser() user: Claims): Claims {
    return { sub: user.sub };
  }

  /** Tries to change the claims it was given; returns them as they arrived and how many edits were rejected. */
  @Get('/edit-claims')
  @Authorized()
  editClaims(@CurrentUser() user: Claims): Claims {
    const received = { sub: user.sub, roles: [...((user.roles as string[] | undefined) ?? [])] };
    const edits = [
      () => {
        user.sub = 'edited';
      },
      () => (user.roles as string[] | undefined)?.push('root'),
    ];
    const rejected = edits.filter((edit) => {
      try {
        edit();
        return false;
      } catch (error) {
        return error instanceof TypeError;
      }
    }).length;
    return { ...received, rejected };
  }

  @Get('/admin')
  @Authorized(['admin'])
  admin(): Claims {
    return { admin: true };
  }

  @Get('/editorial')
  @PlainAuthorized(['admin', 'editor'])
  editorial(): Claims {
    return { editorial: true };
  }

  @Get('/reports')
  @Authorized('reports.read', { rolesKey: 'scp', delimiter: ' ' })
  reports(): Claims {
    return { reports: true };
  }

  @Get('/publicity')
  @Authorized()
  publicity(): Claims {
    return { protected: 'publicity' };
  }

  @Get('/public-admin')
  @Authorized()
  publicAdmin(): Claims {
    return { protected: 'public-admin' };
  }

  @Get('/health')
  health(): Claims {
    return { healthy: true };
  }

  @Get('/permissions')
  @Authorized(['superadmin'], { rolesKey: 'permissions' })
  permissions(): Claims {
    return { permissions: true };
  }
}

/** Returns the claims the middleware put on the Koa context. */
@JsonController('/koa-state')
export class KoaStateController {
  @Get('/')
  state(@Ctx() context: { state: { user?: Claims } }): Claims {
    return { sub: context.state.user?.sub ?? null };
  }
}

/** Returns the claims the middleware put on the Express request. */
@JsonController('/express-state')
export class ExpressStateController {
  @Get('/')
  state(@Req() request: IncomingMessage & { user?: Claims }): Claims {
    return { sub: request.user?.sub ?? null };
  }
}

/** A controller that needs `user` and a method in it that also needs `admin`. */
@JsonController('/nested')
@PlainAuthorized('user')
export class NestedRolesController {
  @Get('/user')
  userRoute(): Claims {
    return { route: 'user' };
  }

  @Get('/admin')
  @PlainAuthorized('admin')
  adminRoute(): Claims {
    return { route: 'admin' };
  }

  @Get('/stacked')
  @Authorized('reports.read', { rolesKey: 'scp', delimiter: ' ' })
  @Authorized(['admin'])
  stacked(): Claims {
    return { route: 'stacked' };
  }

  @Get('/all-of')
  @Authorized(['admin', 'auditor'], { match: 'all' })
  allOf(): Claims {
    return { route: 'all-of' };
  }

  @Get('/admin-or-auditor')
  @Authorized(['admin', 'auditor'])
  adminOrAuditor(): Claims {
    return { route: 'admin-or-auditor' };
  }
}
