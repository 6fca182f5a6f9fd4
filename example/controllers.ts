import { Authorized as RoutingAuthorized, CurrentUser, Get, JsonController } from 'routing-controllers';
import type { JWTPayload } from 'jose';
import { Authorized } from '../src/index.js';

/** Routes that show each way the library guards a request. */
@JsonController()
export class ExampleController {
  /** Listed in `excludedPaths`, so it needs no token. */
  @Get('/public')
  getPublic(): { message: string } {
    return { message: 'This route needs no token.' };
  }

  /** Needs a valid token from either provider, and returns its issuer and subject. */
  @Get('/me')
  getMe(@CurrentUser({ required: true }) claims: JWTPayload): { iss?: string; sub?: string } {
    return { iss: claims.iss, sub: claims.sub };
  }

  /** Needs the `admin` role, read from the claim that the issuing provider's `rolesKey` names. */
  @Get('/admin')
  @Authorized(['admin'])
  getAdmin(): { message: string } {
    return { message: 'Welcome, admin.' };
  }

  /** Needs `reports.read` among the space-delimited scopes of the `scp` claim. */
  @Get('/reports')
  @Authorized('reports.read', { rolesKey: 'scp', delimiter: ' ' })
  getReports(): { reports: string[] } {
    return { reports: ['2024-q1', '2024-q2'] };
  }

  /** Uses the plain routing-controllers decorator, which the library's authorizationChecker serves. */
  @Get('/editorial')
  @RoutingAuthorized(['admin', 'editor'])
  getEditorial(): { message: string } {
    return { message: 'Editorial desk.' };
  }
}
