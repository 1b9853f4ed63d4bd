import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintApimFolder } from '../reference/policies/lint-policy.ts';
import { readApimFolder } from '../reference/policies/read-apim-folder.ts';

const tmp = mkdtempSync(join(tmpdir(), 'gatecheck-apiops-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const header = (name: string) => `<set-header name="${name}" exists-action="override"><value>x</value></set-header>`;
const policy = (inbound: string) => `<policies>\n<inbound>\n${inbound}\n</inbound>\n<backend>\n<base />\n</backend>\n<outbound />\n<on-error />\n</policies>\n`;

function folder(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const spec = 'openapi: 3.0.1\ninfo: { title: t, version: "1" }\npaths:\n  /items/{id}:\n    get:\n      operationId: get-item\n  /items:\n    post:\n      operationId: add-item\n';

describe('an APIOps folder, composed as APIM runs its scopes (Learn: policy scopes, base)', () => {
  it('puts the enclosing scope\'s section where <base/> stands, keeping each element\'s file and line', async () => {
    const dir = folder('order', {
      'policy.xml': policy(header('Global')),
      'products/p/policy.xml': policy(`${header('Product')}\n<base />`),
      'products/p/apis/api/productApiInformation.json': '{}',
      'apis/api/apiInformation.json': '{"properties":{"path":"shop","subscriptionRequired":false}}',
      'apis/api/specification.yaml': spec,
      'apis/api/policy.xml': policy(`<base />\n${header('Api')}`),
      'apis/api/operations/get-item/policy.xml': policy(`${header('Operation')}\n<base />`),
    });
    const { operations } = await readApimFolder(dir);
    const get = operations.find((o) => o.id === 'get-item')!;
    const inbound = get.document.children.find((s) => s.name === 'inbound')!;
    // The product's own policy runs before its <base/> (global), then the API's, then the operation's own first.
    expect(inbound.children.map((e) => [e.attributes.name, e.file!.slice(dir.length), e.line])).toEqual([
      ['Operation', '/apis/api/operations/get-item/policy.xml', 3],
      ['Product', '/products/p/policy.xml', 3],
      ['Global', '/policy.xml', 3],
      ['Api', '/apis/api/policy.xml', 4],
    ]);
    expect([get.method, get.path, get.route]).toEqual(['GET', '/shop/items/{id}', '/shop/items/*']);
    const add = operations.find((o) => o.id === 'add-item')!;
    expect(add.document.children.find((s) => s.name === 'inbound')!.children.map((e) => e.attributes.name)).toEqual(['Product', 'Global', 'Api']);
    expect([add.method, add.route, add.drops]).toEqual(['POST', '/shop/items', []]);
  });

  it('a section without <base/> runs none of the enclosing scopes\' section, and says what it drops', async () => {
    const dir = folder('drop', {
      'policy.xml': policy(header('Global')),
      'apis/api/specification.yaml': spec,
      'apis/api/policy.xml': policy(`<base />\n${header('Api')}`),
      'apis/api/operations/add-item/policy.xml': policy(header('Operation')),
    });
    const add = (await readApimFolder(dir)).operations.find((o) => o.id === 'add-item')!;
    expect(add.document.children.find((s) => s.name === 'inbound')!.children.map((e) => e.attributes.name)).toEqual(['Operation']);
    expect(add.drops.map((d) => [d.file.slice(dir.length), d.line, d.dropped.map((e) => e.attributes.name)])).toEqual([['/apis/api/operations/add-item/policy.xml', 2, ['Global', 'Api']]]);
    // The backend section keeps <base/>: the global one (none here) and nothing dropped there.
    expect(add.drops).toHaveLength(1);
  });
});

describe('<cors> and token validation across scopes (lint apim-cors-after-validation)', () => {
  const cors = '<cors><allowed-origins><origin>https://app.example</origin></allowed-origins></cors>';
  const jwt = '<validate-jwt header-name="Authorization"><openid-config url="https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration" /><audiences><audience>a</audience></audiences></validate-jwt>\n<set-header name="Authorization" exists-action="delete" />';
  const rules = async (dir: string) => (await lintApimFolder(dir)).filter((d) => d.rule.startsWith('apim-cors')).map((d) => [d.rule, d.file.slice(dir.length), d.line]);

  it('a global <cors> runs after the API\'s validation when the API puts <base /> after it: the preflight meets the validation first', async () => {
    const dir = folder('cors-late', { 'policy.xml': policy(cors), 'apis/api/specification.yaml': spec, 'apis/api/policy.xml': policy(`${jwt}\n<base />`) });
    expect(await rules(dir)).toEqual([['apim-cors-after-validation', '/policy.xml', 3]]);
  });

  it('with <base /> first, the global <cors> answers the preflight before any validation: no finding', async () => {
    const dir = folder('cors-early', { 'policy.xml': policy(cors), 'apis/api/specification.yaml': spec, 'apis/api/policy.xml': policy(`<base />\n${jwt}`) });
    expect(await rules(dir)).toEqual([]);
  });
});
