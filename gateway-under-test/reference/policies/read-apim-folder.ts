import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Pair } from 'yaml';
import { fileProblem } from '../../file-problem.ts';
import { APIM_SECTIONS } from './apim-known-policies.ts';
import { parsePolicyXml, type PolicyElement } from './parse-policy-xml.ts';
import { note, type PolicyDiagnostic } from './policy-diagnostic.ts';
import { PolicyError } from './policy-error.ts';

/**
 * An APIM instance as the APIOps extractor writes it (github.com/Azure/apiops, its SampleArtifacts and
 * src/common): `policy.xml` at the root is the global (all APIs) policy, `products/<p>/policy.xml` a
 * product's, with `products/<p>/apis/<api>/productApiInformation.json` naming the APIs in it,
 * `apis/<api>/apiInformation.json` (`properties.path`: the API's URL suffix), `apis/<api>/specification.
 * yaml|yml|json` (OpenAPI), `apis/<api>/policy.xml`, and `apis/<api>/operations/<operation>/policy.xml`,
 * the folder named after the operation (APIM names an operation imported from OpenAPI by its operationId).
 */
export interface ApimScopeFile {
  scope: 'global' | 'product' | 'api' | 'operation';
  file: string;
  sections: Map<string, PolicyElement>;
}

/** A scope whose inbound has no `<base/>`, and what it thereby drops from the enclosing scopes. */
export interface DroppedInheritance {
  file: string;
  /** The line of its `<inbound>`. */
  line: number;
  dropped: PolicyElement[];
}

export interface ApimOperation {
  api: string;
  id: string;
  method: string;
  /** The path as the specification writes it, with the API's URL suffix in front. */
  path: string;
  /** The reference gateway's route pattern for it: exact, or a prefix ending in `*` where a template begins. */
  route: string;
  specFile: string;
  specLine: number;
  /** The file the composed policy is named after: the operation's policy, else the nearest scope's. */
  file: string;
  /** The operation's own policy.xml, when it has one. */
  operationFile?: string;
  /** operation → API → product → global, joined at each `<base/>`; every element names its own file. */
  document: PolicyElement;
  drops: DroppedInheritance[];
}

/**
 * What an API's `apiInformation.json` and the products holding it say about subscription keys. Read,
 * not judged: emulate-apim-folder decides from it (and the values file's keys) what a route requires.
 */
export interface ApimApiSubscription {
  api: string;
  /** `apis/<api>/apiInformation.json`, absent when the extract has none. */
  infoFile?: string;
  /** `properties.subscriptionRequired`; undefined when not written. */
  required?: boolean;
  /** `properties.subscriptionKeyParameterNames`, where written. */
  header?: string;
  query?: string;
  /** The products holding the API (`products/<p>/apis/<api>/`), with their `subscriptionRequired`. */
  products: { name: string; file: string; required?: boolean }[];
}

export interface ApimFolder {
  dir: string;
  operations: ApimOperation[];
  apis: ApimApiSubscription[];
  diagnostics: PolicyDiagnostic[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SPECS = ['specification.yaml', 'specification.yml', 'specification.json'];

/**
 * Reads an APIOps-extracted folder into one composed policy per API operation. Composition follows
 * Microsoft Learn's "Policies in Azure API Management", scopes: the narrowest scope's policy runs, and
 * `<base/>` in one of its sections runs the enclosing scope's same section at that point; a section
 * without `<base/>` does not run what the enclosing scopes have there. Everything APIM would refuse, or
 * that gatecheck cannot place, is a PolicyError naming the file and line.
 */
export async function readApimFolder(dir: string): Promise<ApimFolder> {
  const diagnostics: PolicyDiagnostic[] = [];
  const apisDir = join(dir, 'apis');
  if (!existsSync(apisDir)) {
    throw new PolicyError('ERR_POLICY_INVALID', dir, 0, 'no apis/ folder: expected an APIOps-extracted folder (policy.xml, apis/<api>/specification.yaml, apis/<api>/policy.xml, apis/<api>/operations/<operation>/policy.xml) or a policy XML file');
  }
  const global = existsSync(join(dir, 'policy.xml')) ? await readScope(join(dir, 'policy.xml'), 'global') : undefined;
  const productsDir = join(dir, 'products');
  const products = existsSync(productsDir) ? (await readdir(productsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort() : [];

  const operations: ApimOperation[] = [];
  const apis: ApimApiSubscription[] = [];
  const apiNames = (await readdir(apisDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  for (const api of apiNames) {
    const apiDir = join(apisDir, api);
    // `name;rev=N` folders are non-current revisions: callers reach the current one.
    if (api.includes(';rev=')) {
      diagnostics.push(note(apiDir, 0, 'a non-current API revision: not composed (callers reach the current revision)'));
      continue;
    }
    const specName = SPECS.find((s) => existsSync(join(apiDir, s)));
    if (!specName) {
      const other = existsSync(apiDir) ? (await readdir(apiDir)).find((f) => f.startsWith('specification.')) : undefined;
      diagnostics.push(note(apiDir, 0, `API ${api} has ${other ? `a ${other} (not OpenAPI)` : 'no specification.yaml or specification.json'}: its operations are not emulated`));
      continue;
    }
    const specFile = join(apiDir, specName);
    const info = await readJson(join(apiDir, 'apiInformation.json'));
    const props = (info?.properties ?? {}) as { path?: unknown; subscriptionRequired?: unknown; subscriptionKeyParameterNames?: { header?: unknown; query?: unknown } };
    const suffix = typeof props.path === 'string' ? props.path.replace(/^\/+|\/+$/g, '') : '';
    const names = props.subscriptionKeyParameterNames ?? {};
    const subscription: ApimApiSubscription = {
      api,
      products: [],
      ...(info ? { infoFile: join(apiDir, 'apiInformation.json') } : {}),
      ...(typeof props.subscriptionRequired === 'boolean' ? { required: props.subscriptionRequired } : {}),
      ...(typeof names.header === 'string' && names.header ? { header: names.header } : {}),
      ...(typeof names.query === 'string' && names.query ? { query: names.query } : {}),
    };
    apis.push(subscription);
    const specOps = await readSpecification(specFile);
    const apiScope = existsSync(join(apiDir, 'policy.xml')) ? await readScope(join(apiDir, 'policy.xml'), 'api') : undefined;
    const inProducts = products.filter((p) => existsSync(join(productsDir, p, 'apis', api)));
    const withPolicy = inProducts.filter((p) => existsSync(join(productsDir, p, 'policy.xml')));
    if (withPolicy.length > 1) {
      throw new PolicyError('ERR_POLICY_NOT_EMULABLE', join(productsDir, withPolicy[1], 'policy.xml'), 0, `API ${api} is in products ${withPolicy.join(' and ')}, each with a policy: which one runs depends on the caller's subscription; gatecheck composes one product's policy per API, so test a folder with one of them`);
    }
    const productScope = withPolicy.length === 1 ? await readScope(join(productsDir, withPolicy[0], 'policy.xml'), 'product') : undefined;
    for (const p of inProducts) {
      const pinfo = await readJson(join(productsDir, p, 'productInformation.json'));
      const pprops = (pinfo?.properties ?? {}) as { subscriptionRequired?: unknown };
      subscription.products.push({ name: p, file: join(productsDir, p, 'productInformation.json'), ...(typeof pprops.subscriptionRequired === 'boolean' ? { required: pprops.subscriptionRequired } : {}) });
    }

    const opsDir = join(apiDir, 'operations');
    const opFolders = existsSync(opsDir) ? (await readdir(opsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort() : [];
    for (const folder of opFolders) {
      if (!specOps.some((o) => o.id === folder)) {
        const named = specOps.map((o) => o.id).filter((id) => !id.startsWith('#'));
        throw new PolicyError('ERR_POLICY_INVALID', join(opsDir, folder, 'policy.xml'), 0, `operation ${folder} is not in ${specName} (its operationIds: ${named.join(', ') || 'none'}); name the folder after the operation's operationId, or add the operation to the specification`);
      }
    }
    for (const op of specOps) {
      const opFile = join(opsDir, op.id, 'policy.xml');
      const opScope = existsSync(opFile) ? await readScope(opFile, 'operation') : undefined;
      const chain = [global, productScope, apiScope, opScope].filter((s): s is ApimScopeFile => s !== undefined);
      if (chain.length === 0) throw new PolicyError('ERR_POLICY_NOT_EMULABLE', specFile, op.line, `operation ${op.id} has no policy at any scope (no policy.xml at the root, in a product, in apis/${api} or in its operation folder): nothing validates tokens`);
      const { document, drops } = compose(chain, diagnostics);
      const path = `/${[suffix, op.path.replace(/^\/+/, '')].filter(Boolean).join('/')}`;
      const route = routePattern(path);
      if (route !== path) diagnostics.push(note(specFile, op.line, `${op.method} ${path} is emulated as the prefix route ${route} (the reference gateway matches exact paths and prefixes, not templates)`));
      operations.push({ api, id: op.id, method: op.method, path, route, specFile, specLine: op.line, file: chain[chain.length - 1].file, operationFile: opScope?.file, document, drops });
    }
  }
  if (operations.length === 0) {
    throw new PolicyError('ERR_POLICY_INVALID', apisDir, 0, 'no API with an OpenAPI specification and operations: expected apis/<api>/specification.yaml (or .json) with paths');
  }
  return { dir, operations, apis, diagnostics };
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new PolicyError('ERR_POLICY_INVALID', file, 0, `not readable JSON: ${(err as Error).message}`);
  }
}

/** A scope's policy: a `<policies>` document with sections, `<base/>` only where APIM takes it. */
async function readScope(file: string, scope: ApimScopeFile['scope']): Promise<ApimScopeFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new PolicyError('ERR_POLICY_XML', file, 0, `cannot read the policy: ${fileProblem(file, err)}`);
  }
  const root = stamp(parsePolicyXml(text, file), file);
  if (root.name !== 'policies') throw new PolicyError('ERR_POLICY_INVALID', file, root.line, `a ${scope} scope's policy.xml must be a <policies> document, found <${root.name}>`);
  const sections = new Map<string, PolicyElement>();
  for (const section of root.children) {
    if (!(APIM_SECTIONS as readonly string[]).includes(section.name)) {
      throw new PolicyError('ERR_POLICY_UNKNOWN', file, section.line, `<${section.name}> is not a policy section (inbound, backend, outbound, on-error)`);
    }
    if (sections.has(section.name)) throw new PolicyError('ERR_POLICY_INVALID', file, section.line, `a second <${section.name}>: a policy has each section once`);
    const bases = section.children.filter((c) => c.name === 'base');
    if (bases.length > 1) throw new PolicyError('ERR_POLICY_INVALID', file, bases[1].line, `a second <base/> in <${section.name}>: the enclosing scope's policies run once, where one <base/> stands; keep one`);
    for (const b of bases) {
      if (Object.keys(b.attributes).length > 0 || b.children.length > 0 || b.text) throw new PolicyError('ERR_POLICY_INVALID', file, b.line, '<base/> takes no attributes and no content');
    }
    const nested = section.children.flatMap((c) => (c.name === 'base' ? [] : findBase(c)));
    if (nested.length > 0) throw new PolicyError('ERR_POLICY_INVALID', file, nested[0].line, `<base/> must stand directly in <${section.name}>, not inside <${nested[0].parent}>`);
    sections.set(section.name, section);
  }
  if (scope !== 'global' && !sections.has('inbound')) {
    throw new PolicyError('ERR_POLICY_INVALID', file, root.line, 'no <inbound>: write <inbound><base /></inbound> to run the enclosing scopes\' inbound policies, or <inbound /> to run none');
  }
  return { scope, file, sections };
}

function findBase(el: PolicyElement): { line: number; parent: string }[] {
  return el.children.flatMap((c) => (c.name === 'base' ? [{ line: c.line, parent: el.name }] : findBase(c)));
}

function stamp(el: PolicyElement, file: string): PolicyElement {
  return { ...el, file, children: el.children.map((c) => stamp(c, file)) };
}

/**
 * Joins the scopes, outermost first: each section is the narrower scope's, with the enclosing scopes'
 * composed section in place of its `<base/>`. A section the narrower scope leaves out (outbound,
 * backend, on-error) keeps the enclosing one's, with a note; inbound is never left out (readScope).
 */
function compose(chain: ApimScopeFile[], diagnostics: PolicyDiagnostic[]): { document: PolicyElement; drops: DroppedInheritance[] } {
  const composed = new Map<string, PolicyElement>();
  const drops: DroppedInheritance[] = [];
  for (const scope of chain) {
    for (const name of APIM_SECTIONS) {
      const own = scope.sections.get(name);
      const parent = composed.get(name);
      if (!own) {
        if (parent && scope.scope !== 'global') pushOnce(diagnostics, note(scope.file, 1, `no <${name}>: composed as if it held only <base />`));
        continue;
      }
      const inherited = parent?.children ?? [];
      const hasBase = own.children.some((c) => c.name === 'base');
      if (!hasBase && inherited.length > 0) drops.push({ file: scope.file, line: own.line, dropped: inherited });
      composed.set(name, { ...own, children: own.children.flatMap((c) => (c.name === 'base' ? inherited : [c])) });
    }
  }
  const innermost = chain[chain.length - 1];
  const sections = APIM_SECTIONS.flatMap((n) => (composed.has(n) ? [composed.get(n)!] : []));
  return { document: { name: 'policies', attributes: {}, children: sections, text: '', line: 1, file: innermost.file }, drops };
}

function pushOnce(list: PolicyDiagnostic[], d: PolicyDiagnostic): void {
  if (!list.some((x) => x.file === d.file && x.line === d.line && x.message === d.message)) list.push(d);
}

/** `/orders/{id}/items` → `/orders/*`: the reference gateway's routes are exact paths or prefixes. */
function routePattern(path: string): string {
  const segments = path.split('/');
  const t = segments.findIndex((s) => s.includes('{'));
  return t < 0 ? path : `${segments.slice(0, t).join('/')}/*`;
}

/** The operations of an OpenAPI (3.x or Swagger 2.0) document, in YAML or JSON, with their lines. */
async function readSpecification(file: string): Promise<{ id: string; method: string; path: string; line: number }[]> {
  const lines = new LineCounter();
  const doc = parseDocument((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''), { lineCounter: lines, prettyErrors: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  if (doc.errors.length > 0) throw new PolicyError('ERR_POLICY_INVALID', file, lineOf(doc.errors[0].pos[0]), `not valid YAML or JSON: ${doc.errors[0].message.split('\n')[0]}`);
  const paths = isMap(doc.contents) ? doc.contents.get('paths', true) : undefined;
  if (!isMap(paths)) throw new PolicyError('ERR_POLICY_INVALID', file, 1, 'no paths: expected an OpenAPI document whose paths name the operations');
  const out: { id: string; method: string; path: string; line: number }[] = [];
  for (const pathPair of paths.items as Pair[]) {
    const path = isScalar(pathPair.key) ? String(pathPair.key.value) : '';
    if (!path.startsWith('/') || !isMap(pathPair.value)) continue;
    for (const opPair of pathPair.value.items as Pair[]) {
      const method = isScalar(opPair.key) ? String(opPair.key.value).toLowerCase() : '';
      if (!METHODS.includes(method) || !isMap(opPair.value)) continue;
      const line = lineOf(isScalar(opPair.key) ? opPair.key.range?.[0] : undefined);
      const id = opPair.value.get('operationId');
      // Without an operationId no operation folder can name it; it still is a route of the API.
      out.push({ id: typeof id === 'string' ? id : `#${method} ${path}`, method: method.toUpperCase(), path, line });
    }
  }
  if (out.length === 0) throw new PolicyError('ERR_POLICY_INVALID', file, lineOf(paths.range?.[0]), 'paths names no operation (get, post, …)');
  return out;
}
