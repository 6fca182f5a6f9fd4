import { expect } from 'chai';
import { Authorized as PlainAuthorized, getMetadataArgsStorage } from 'routing-controllers';

import { prepareRoleDeclarations } from '../src/adapters/role-metadata.js';
import { Authorized } from '../src/index.js';
import { RoleRequirement } from '../src/authorization/role-requirement.js';

class CustomChecker {
  check(): boolean {
    return true;
  }
}

@PlainAuthorized('user')
class DeclarationsController {
  @PlainAuthorized(['admin', 'editor'])
  plain(): void {}

  @Authorized('reports.read', { rolesKey: 'scp', delimiter: ' ' })
  @Authorized(['admin'])
  stacked(): void {}

  @PlainAuthorized(CustomChecker)
  custom(): void {}

  @PlainAuthorized()
  anyToken(): void {}
}

function declarations(method?: string): unknown[] {
  return getMetadataArgsStorage()
    .responseHandlers.filter((handler) => handler.type === 'authorized' && handler.target === DeclarationsController && handler.method === method)
    .map((handler) => handler.value);
}

describe('prepareRoleDeclarations', function () {
  before(function () {
    prepareRoleDeclarations();
  });

  it('turns a plain role list into one requirement', function () {
    const [value] = declarations('plain');
    expect(value).to.have.length(1);
    expect((value as RoleRequirement[])[0]).to.be.instanceOf(RoleRequirement);
    expect((value as RoleRequirement[])[0].roles).to.deep.equal(['admin', 'editor']);
  });

  it('keeps the controller requirement apart', function () {
    const [value] = declarations(undefined);
    expect((value as RoleRequirement[]).map((requirement) => requirement.roles)).to.deep.equal([['user']]);
  });

  it('merges repeated decorators into the first', function () {
    const [first] = declarations('stacked');
    const roles = (first as RoleRequirement[]).map((requirement) => requirement.roles);
    expect(roles).to.have.deep.members([['admin'], ['reports.read']]);
  });

  it('leaves a checker class alone', function () {
    expect(declarations('custom')).to.deep.equal([CustomChecker]);
  });

  it('leaves a bare Authorized without roles', function () {
    expect(declarations('anyToken')).to.deep.equal([[]]);
  });

  it('is idempotent', function () {
    const before = declarations('stacked')[0];
    prepareRoleDeclarations();
    expect(declarations('stacked')[0]).to.deep.equal(before);
  });
});
