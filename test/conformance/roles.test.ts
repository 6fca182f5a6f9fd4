import { expect } from 'chai';

import { get, type Reply } from '../support/http.js';
import { describeConformance, expectNothingLeaked, type ConformanceContext } from './harness.js';

const FORBIDDEN_DESCRIPTION = 'You do not have the required role(s) to access this resource.';

/** A case name, a token's claims, and the status the route must return for them. */
type RoleCase = [name: string, claims: Record<string, unknown>, status: 200 | 403];

/** Sends a token of provider A with `claims` to `path` on both apps; returns the replies, guarded app first. */
async function sendToBoth(context: ConformanceContext, path: string, claims: Record<string, unknown>): Promise<Array<[string, Reply]>> {
  const token = await context.tokenA(claims);
  const replies: Array<[string, Reply]> = [];
  for (const [name, app] of [
    ['guarded', context.guarded],
    ['unguarded', context.unguarded],
  ] as const) {
    replies.push([name, await get(`${app.baseUrl}${path}`, { token })]);
  }
  return replies;
}

function expectStatus(reply: Reply, status: number, label: string): void {
  expect(reply.status, `${label}: ${reply.text}`).to.equal(status);
  if (status === 403) {
    expect(reply.body.code, label).to.equal('insufficient_role');
  }
}

/** Declares one test per case, each sending its claims to `path` on both apps. */
function describeCases(context: ConformanceContext, path: string, cases: RoleCase[]): void {
  for (const [name, claims, status] of cases) {
    it(`${path} ${name} gives ${status}`, async function () {
      for (const [app, reply] of await sendToBoth(context, path, claims)) {
        expectStatus(reply, status, app);
      }
    });
  }
}

// A JSON payload with an own `__proto__` member, as a token may carry; an object literal would set the prototype instead.
const PROTO_ROLES = JSON.parse('{"__proto__": {"roles": ["admin"]}}') as Record<string, unknown>;

describeConformance('roles', (context) => {
  describe('roles claim shapes', function () {
    describeCases(context, '/admin', [
      ['string admin', { roles: 'admin' }, 200],
      ['array with admin', { roles: ['admin'] }, 200],
      ['array with editor and admin', { roles: ['editor', 'admin'] }, 200],
      ['array with admin twice', { roles: ['admin', 'admin'] }, 200],
      ['missing roles', {}, 403],
      ['empty array', { roles: [] }, 403],
      ['empty string', { roles: '' }, 403],
      ['null', { roles: null }, 403],
      ['number', { roles: 1 }, 403],
      ['zero', { roles: 0 }, 403],
      ['boolean', { roles: true }, 403],
      ['object keyed by role', { roles: { admin: true } }, 403],
      ['object with nested roles', { roles: { roles: ['admin'] } }, 403],
      ['array of non-strings', { roles: [1, null, {}, ['admin']] }, 403],
      ['nested array', { roles: [['admin']] }, 403],
      ['array of role objects', { roles: [{ name: 'admin' }] }, 403],
      ['space-separated string', { roles: 'admin editor' }, 403],
      ['comma-separated string', { roles: 'admin,editor' }, 403],
      ['role in another claim', { groups: ['admin'], role: 'admin' }, 403],
      ['own __proto__ claim', PROTO_ROLES, 403],
    ]);
  });

  describe('exact matching', function () {
    const nearMisses = ['administrator', 'Admin', 'ADMIN', 'admin ', ' admin', 'admin\n', 'admin\u0000', '\u0430dmin', 'adm', 'admins'];
    describeCases(
      context,
      '/admin',
      nearMisses.flatMap((role): RoleCase[] => [
        [`string ${JSON.stringify(role)}`, { roles: role }, 403],
        [`array [${JSON.stringify(role)}]`, { roles: [role] }, 403],
      ]),
    );
  });

  describe('controller and method roles', function () {
    describeCases(context, '/nested/admin', [
      ['with user only', { roles: ['user'] }, 403],
      ['with admin only', { roles: ['admin'] }, 403],
      ['with user and admin', { roles: ['user', 'admin'] }, 200],
      ['with admin and user', { roles: ['admin', 'user'] }, 200],
      ['with string user', { roles: 'user' }, 403],
      ['without roles', {}, 403],
    ]);
    describeCases(context, '/nested/user', [
      ['with user', { roles: ['user'] }, 200],
      ['with string user', { roles: 'user' }, 200],
      ['with admin only', { roles: ['admin'] }, 403],
      ['with empty array', { roles: [] }, 403],
    ]);
    describeCases(context, '/nested/admin-or-auditor', [
      ['with user and auditor', { roles: ['user', 'auditor'] }, 200],
      ['with user and admin', { roles: ['user', 'admin'] }, 200],
      ['with auditor only', { roles: ['auditor'] }, 403],
      ['with admin only', { roles: ['admin'] }, 403],
      ['with user only', { roles: ['user'] }, 403],
    ]);
  });

  describe('plain Authorized', function () {
    describeCases(context, '/editorial', [
      ['with editor', { roles: ['editor'] }, 200],
      ['with admin', { roles: ['admin'] }, 200],
      ['with string editor', { roles: 'editor' }, 200],
      ['with user', { roles: ['user'] }, 403],
      ['with Editor', { roles: ['Editor'] }, 403],
      ['with empty array', { roles: [] }, 403],
    ]);
  });

  describe('claim options', function () {
    describeCases(context, '/reports', [
      ['with scp string', { scp: 'reports.read' }, 200],
      ['with scp list', { scp: 'openid reports.read profile' }, 200],
      ['with doubled spaces', { scp: 'openid  reports.read' }, 200],
      ['with scp array', { scp: ['reports.read'] }, 200],
      ['with longer scope', { scp: 'reports.readwrite' }, 403],
      ['with upper case', { scp: 'REPORTS.READ' }, 403],
      ['with comma list', { scp: 'openid,reports.read' }, 403],
      ['with roles instead', { roles: ['reports.read'] }, 403],
    ]);
    describeCases(context, '/permissions', [
      ['with permissions', { permissions: ['superadmin'] }, 200],
      ['with string permission', { permissions: 'superadmin' }, 200],
      ['with roles instead', { roles: ['superadmin'] }, 403],
      ['with other permission', { permissions: ['admin'] }, 403],
    ]);
    describeCases(context, '/any-token', [
      ['with object roles', { roles: { admin: true } }, 200],
      ['with null roles', { roles: null }, 200],
    ]);
  });

  describe('configured rolesKey path', function () {
    const cases: RoleCase[] = [
      ['nested array', { realm_access: { roles: ['admin'] } }, 200],
      ['nested string', { realm_access: { roles: 'admin' } }, 200],
      ['exact claim name', { 'realm_access.roles': ['admin'] }, 200],
      ['exact name before path', { 'realm_access.roles': ['user'], realm_access: { roles: ['admin'] } }, 403],
      ['parent array', { realm_access: ['admin'] }, 403],
      ['top-level roles', { roles: ['admin'] }, 403],
      ['null parent', { realm_access: null }, 403],
    ];
    for (const [name, claims, status] of cases) {
      it(`realm_access.roles ${name} gives ${status}`, async function () {
        context.configure({ rolesKey: 'realm_access.roles' });
        for (const [app, reply] of await sendToBoth(context, '/admin', claims)) {
          expectStatus(reply, status, app);
        }
      });
    }
  });

  describe('403 response', function () {
    const scopes: Array<[string, string]> = [
      ['/admin', 'admin'],
      ['/editorial', 'admin editor'],
      ['/nested/user', 'user'],
      ['/nested/admin', 'user admin'],
      ['/nested/admin-or-auditor', 'user admin auditor'],
      ['/reports', 'reports.read'],
      ['/permissions', 'superadmin'],
    ];

    for (const [path, scope] of scopes) {
      it(`${path} names scope ${scope}`, async function () {
        for (const [app, reply] of await sendToBoth(context, path, { roles: ['secret-role'] })) {
          expectStatus(reply, 403, app);
          expect(reply.wwwAuthenticate, app).to.equal(
            `Bearer realm="api", error="insufficient_scope", error_description="${FORBIDDEN_DESCRIPTION}", scope="${scope}"`,
          );
          expect(reply.body, app).to.deep.equal({ name: 'ForbiddenError', message: FORBIDDEN_DESCRIPTION, code: 'insufficient_role' });
          expectNothingLeaked(reply, ['secret-role', 'user-a', context.issuerA.issuer]);
        }
      });
    }

    it('uses configured realm', async function () {
      context.configure({ realm: 'orders api' });
      for (const [app, reply] of await sendToBoth(context, '/admin', { roles: ['user'] })) {
        expectStatus(reply, 403, app);
        expect(reply.wwwAuthenticate, app).to.match(/^Bearer realm="orders api", error="insufficient_scope", /);
      }
    });
  });

  describe('several requirements on one route', function () {
    const cases: Array<[string, Record<string, unknown>, number]> = [
      ['/nested/stacked', { roles: ['user', 'admin'], scp: 'reports.read' }, 200],
      ['/nested/stacked', { roles: ['user', 'admin'] }, 403],
      ['/nested/stacked', { roles: ['user'], scp: 'reports.read' }, 403],
      ['/nested/all-of', { roles: ['user', 'admin', 'auditor'] }, 200],
      ['/nested/all-of', { roles: ['user', 'admin'] }, 403],
      ['/nested/all-of', { roles: ['admin', 'auditor'] }, 403],
    ];
    for (const [path, claims, status] of cases) {
      it(`${path} with ${JSON.stringify(claims)} gets ${status}`, async function () {
        for (const [app, reply] of await sendToBoth(context, path, claims)) {
          expectStatus(reply, status, app);
        }
      });
    }
  });
});
