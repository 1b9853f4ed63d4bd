import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import yauzl from 'yauzl';
import { fileProblem } from '../../file-problem.ts';
import { parsePolicyXml, type PolicyElement } from './parse-policy-xml.ts';
import { note, type PolicyDiagnostic } from './policy-diagnostic.ts';
import { PolicyError } from './policy-error.ts';

/**
 * An Apigee API proxy as exported (cloud.google.com/apigee/docs/api-platform/reference/api-proxy-configuration-reference):
 * `apiproxy/proxies/*.xml` (ProxyEndpoints), `apiproxy/targets/*.xml` (TargetEndpoints) and
 * `apiproxy/policies/*.xml` (each policy by its `name`), as a folder or as the .zip Apigee exports.
 */
export interface ApigeeStep {
  policy: string;
  condition?: string;
  conditionLine?: number;
  file: string;
  line: number;
}

export interface ApigeeFlow {
  name: string;
  condition?: string;
  conditionLine?: number;
  file: string;
  line: number;
  steps: ApigeeStep[];
}

export interface ApigeeEndpoint {
  name: string;
  file: string;
  line: number;
  /** ProxyEndpoint: `<HTTPProxyConnection><BasePath>`, `/` when absent. */
  basePath: string;
  preFlow: ApigeeStep[];
  flows: ApigeeFlow[];
  postFlow: ApigeeStep[];
  routeRules: { name: string; target?: string; condition?: string; conditionLine?: number; line: number }[];
  /** TargetEndpoint: `<HTTPTargetConnection><URL>`. */
  url?: { value: string; line: number };
  /** Steps of response flows, fault rules: lines to name in notes. */
  responseSteps: ApigeeStep[];
  faultRulesLine?: number;
}

export interface ApigeeBundlePolicy {
  name: string;
  /** The policy's element: VerifyJWT, SpikeArrest, … */
  type: string;
  file: string;
  element: PolicyElement;
  text: string;
  enabled: boolean;
}

export interface ApigeeBundle {
  source: string;
  proxies: ApigeeEndpoint[];
  targets: Map<string, ApigeeEndpoint>;
  policies: Map<string, ApigeeBundlePolicy>;
  diagnostics: PolicyDiagnostic[];
}

/** Apigee's policy types by element name (cloud.google.com/apigee/docs/api-platform/reference/policies/reference-overview-policy). */
export const APIGEE_POLICY_TYPES = new Set([
  'AccessControl', 'AccessEntity', 'AssignMessage', 'BasicAuthentication', 'ConcurrentRatelimit', 'CORS', 'DataCapture', 'DecodeJWS', 'DecodeJWT',
  'DeleteOAuthV2Info', 'ExternalCallout', 'ExtractVariables', 'FlowCallout', 'GenerateJWS', 'GenerateJWT', 'GenerateSAMLAssertion', 'GetOAuthV2Info',
  'GraphQL', 'HMAC', 'IntegrationCallout', 'InvalidateCache', 'JavaCallout', 'Javascript', 'JSONThreatProtection', 'JSONToXML', 'KeyValueMapOperations',
  'LDAP', 'LookupCache', 'MessageLogging', 'MessageValidation', 'MonetizationLimitsCheck', 'OASValidation', 'OAuthV1', 'OAuthV2', 'PopulateCache',
  'PromptTokenLimit', 'PublishMessage', 'Quota', 'RaiseFault', 'RegularExpressionProtection', 'ResetQuota', 'ResponseCache', 'SanitizeModelResponse',
  'SanitizeUserPrompt', 'Script', 'SemanticCacheLookup', 'SemanticCachePopulate', 'ServiceCallout', 'SetIntegrationRequest', 'SetOAuthV2Info',
  'SpikeArrest', 'StatisticsCollector', 'TraceCapture', 'ValidateSAMLAssertion', 'VerifyAPIKey', 'VerifyIAM', 'VerifyJWS', 'VerifyJWT',
  'XMLThreatProtection', 'XMLToJSON', 'XSL',
]);

/** Bounds for a zip: an exported proxy is a few hundred kilobytes; anything far larger is not one. */
const MAX_TOTAL_BYTES = 32 * 1024 * 1024;
const MAX_ENTRY_BYTES = 4 * 1024 * 1024;
const MAX_ENTRIES = 10_000;
const EXPECTED = 'expected an exported Apigee proxy (apiproxy/proxies/*.xml, apiproxy/policies/*.xml, apiproxy/targets/*.xml), as a folder or a .zip';

/** A path gatecheck reads as a bundle: a .zip, a folder holding apiproxy/, or an apiproxy/ folder itself. */
export function isApigeeBundle(path: string): boolean {
  if (/\.zip$/i.test(path)) return true;
  if (!existsSync(path) || !statSync(path).isDirectory()) return false;
  return basename(path) === 'apiproxy' || existsSync(join(path, 'apiproxy'));
}

/** Reads a bundle; every problem is a PolicyError naming the file (and line) and what to give instead. */
export async function readApigeeBundle(source: string): Promise<ApigeeBundle> {
  const files = /\.zip$/i.test(source) ? await zipFiles(source) : await folderFiles(source);
  const diagnostics: PolicyDiagnostic[] = [];
  const under = (dir: string) => [...files.keys()].filter((k) => k.startsWith(`${dir}/`) && !k.slice(dir.length + 1).includes('/') && k.endsWith('.xml')).sort();
  const proxyFiles = under('proxies');
  if (proxyFiles.length === 0) {
    throw new PolicyError('ERR_POLICY_INVALID', files.get('#root')!.name, 0, `no ProxyEndpoint: apiproxy/proxies/ is empty or missing; ${EXPECTED}`);
  }
  const policies = new Map<string, ApigeeBundlePolicy>();
  for (const key of under('policies')) {
    const { name: file, text } = files.get(key)!;
    const element = parsePolicyXml(text, file);
    if (!APIGEE_POLICY_TYPES.has(element.name)) {
      throw new PolicyError('ERR_POLICY_UNKNOWN', file, element.line, `unknown policy <${element.name}>: not an Apigee policy type; fix the root element or remove the file and the steps naming it`);
    }
    const name = element.attributes.name ?? basename(key, '.xml');
    const before = policies.get(name);
    if (before) throw new PolicyError('ERR_POLICY_INVALID', file, element.line, `a second policy named "${name}" (the first is ${before.file}:${before.element.line}); policy names are unique in a proxy`);
    policies.set(name, { name, type: element.name, file, element, text, enabled: !/^false$/i.test(element.attributes.enabled ?? '') });
  }
  const proxies = proxyFiles.map((key) => readEndpoint(files.get(key)!, 'ProxyEndpoint', policies, diagnostics));
  const targets = new Map<string, ApigeeEndpoint>();
  for (const key of under('targets')) {
    const t = readEndpoint(files.get(key)!, 'TargetEndpoint', policies, diagnostics);
    targets.set(t.name, t);
  }
  for (const p of proxies) {
    for (const r of p.routeRules) {
      if (r.target !== undefined && !targets.has(r.target)) {
        throw new PolicyError('ERR_POLICY_INVALID', p.file, r.line, `<RouteRule name="${r.name}"> names TargetEndpoint "${r.target}", which apiproxy/targets/ does not have (it has: ${[...targets.keys()].join(', ') || 'none'})`);
      }
    }
  }
  return { source, proxies, targets, policies, diagnostics };
}

function readEndpoint(f: { name: string; text: string }, kind: 'ProxyEndpoint' | 'TargetEndpoint', policies: Map<string, ApigeeBundlePolicy>, d: PolicyDiagnostic[]): ApigeeEndpoint {
  const file = f.name;
  const root = parsePolicyXml(f.text, file);
  if (root.name !== kind) throw new PolicyError('ERR_POLICY_INVALID', file, root.line, `expected a <${kind}> here, found <${root.name}>`);
  const child = (el: PolicyElement, name: string) => el.children.find((c) => c.name === name);
  const steps = (flow: PolicyElement | undefined, section: 'Request' | 'Response'): ApigeeStep[] =>
    (flow ? child(flow, section)?.children ?? [] : [])
      .filter((s) => s.name === 'Step')
      .map((s) => {
        const name = child(s, 'Name');
        if (!name?.text) throw new PolicyError('ERR_POLICY_INVALID', file, s.line, '<Step> without <Name>: name the policy it runs');
        if (!policies.has(name.text)) {
          throw new PolicyError('ERR_POLICY_INVALID', file, name.line, `<Step><Name>${name.text}</Name>: no policy named "${name.text}" in apiproxy/policies/; add it or fix the name (policies: ${[...policies.keys()].join(', ') || 'none'})`);
        }
        const c = child(s, 'Condition');
        return { policy: name.text, ...(c?.text ? { condition: c.text, conditionLine: c.line } : {}), file, line: name.line };
      });
  const pre = child(root, 'PreFlow');
  const post = child(root, 'PostFlow');
  const flows: ApigeeFlow[] = (child(root, 'Flows')?.children ?? [])
    .filter((c) => c.name === 'Flow')
    .map((fl) => {
      const c = child(fl, 'Condition');
      return { name: fl.attributes.name ?? '', ...(c?.text ? { condition: c.text, conditionLine: c.line } : {}), file, line: fl.line, steps: steps(fl, 'Request') };
    });
  const responseSteps = [pre, post, ...(child(root, 'Flows')?.children ?? [])].flatMap((fl) => steps(fl, 'Response'));
  const connection = child(root, kind === 'ProxyEndpoint' ? 'HTTPProxyConnection' : 'HTTPTargetConnection');
  const basePath = (connection && child(connection, 'BasePath')?.text) || '/';
  const url = connection && child(connection, 'URL');
  const faults = child(root, 'FaultRules') ?? child(root, 'DefaultFaultRule');
  if (kind === 'TargetEndpoint' && connection === undefined && child(root, 'LocalTargetConnection')) d.push(note(file, root.line, '<LocalTargetConnection> (proxy chaining) is not followed: requests go to gatecheck\'s upstream'));
  return {
    name: root.attributes.name ?? basename(file, '.xml'),
    file,
    line: root.line,
    basePath: basePath.startsWith('/') ? basePath : `/${basePath}`,
    preFlow: steps(pre, 'Request'),
    flows,
    postFlow: steps(post, 'Request'),
    routeRules: root.children
      .filter((c) => c.name === 'RouteRule')
      .map((r) => {
        const c = child(r, 'Condition');
        return { name: r.attributes.name ?? '', target: child(r, 'TargetEndpoint')?.text || undefined, ...(c?.text ? { condition: c.text, conditionLine: c.line } : {}), line: r.line };
      }),
    ...(url?.text ? { url: { value: url.text, line: url.line } } : {}),
    responseSteps,
    ...(faults && faults.children.length > 0 ? { faultRulesLine: faults.line } : {}),
  };
}

type Files = Map<string, { name: string; text: string }>;

async function folderFiles(dir: string): Promise<Files> {
  const root = basename(dir) === 'apiproxy' ? dir : join(dir, 'apiproxy');
  const files: Files = new Map([['#root', { name: dir, text: '' }]]);
  for (const sub of ['proxies', 'policies', 'targets']) {
    const path = join(root, sub);
    if (!existsSync(path)) continue;
    for (const name of await readdir(path)) {
      if (!name.endsWith('.xml')) continue;
      const file = join(path, name);
      try {
        files.set(`${sub}/${name}`, { name: file, text: await readFile(file, 'utf8') });
      } catch (err) {
        throw new PolicyError('ERR_POLICY_XML', file, 0, `cannot read the policy: ${fileProblem(file, err)}`);
      }
    }
  }
  return files;
}

/**
 * The XML files of a zipped bundle, read in memory (nothing is unpacked to disk). Entries whose names
 * leave the archive's folder (`..`, absolute paths: zip-slip) refuse the whole archive, and so does one
 * that unpacks to more than MAX_ENTRY_BYTES or an archive over MAX_TOTAL_BYTES (yauzl checks each
 * entry's declared size against what it inflates to).
 */
async function zipFiles(zip: string): Promise<Files> {
  const fail = (message: string) => new PolicyError('ERR_POLICY_INVALID', zip, 0, message);
  let archive: yauzl.ZipFile;
  try {
    archive = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(zip, { lazyEntries: true, strictFileNames: true }, (err, z) => (err ? reject(err) : resolve(z))));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code) throw new PolicyError('ERR_POLICY_XML', zip, 0, `cannot read the bundle: ${fileProblem(zip, err)}; ${EXPECTED}`);
    throw fail(`not a zip archive (${e.message}); ${EXPECTED}`);
  }
  const files: Files = new Map([['#root', { name: zip, text: '' }]]);
  let total = 0;
  let count = 0;
  let sawRoot = false;
  try {
    await new Promise<void>((resolve, reject) => {
      archive.on('error', reject);
      archive.on('end', () => resolve());
      archive.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName;
        if (++count > MAX_ENTRIES) return reject(fail(`more than ${MAX_ENTRIES} entries: not an exported proxy bundle`));
        if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.split(/[/\\]/).includes('..')) return reject(fail(`entry "${name}" points outside the archive (zip-slip); refusing the archive`));
        total += entry.uncompressedSize;
        if (entry.uncompressedSize > MAX_ENTRY_BYTES || total > MAX_TOTAL_BYTES) return reject(fail(`entry "${name}" makes the archive unpack to more than ${MAX_TOTAL_BYTES / 1024 / 1024} MiB (or one file to more than ${MAX_ENTRY_BYTES / 1024 / 1024} MiB): not an exported proxy bundle`));
        if (name.startsWith('apiproxy/')) sawRoot = true;
        const m = /^apiproxy\/(proxies|policies|targets)\/([^/]+\.xml)$/.exec(name);
        if (!m) return archive.readEntry();
        archive.openReadStream(entry, (err, stream) => {
          if (err) return reject(fail(`entry "${name}" cannot be read: ${err.message}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', (e) => reject(fail(`entry "${name}" cannot be read: ${e.message}`)));
          stream.on('end', () => {
            files.set(`${m[1]}/${m[2]}`, { name: `${zip}!/${name}`, text: Buffer.concat(chunks).toString('utf8') });
            archive.readEntry();
          });
        });
      });
      archive.readEntry();
    });
  } catch (err) {
    archive.close();
    if (err instanceof PolicyError) throw err;
    const message = (err as Error).message;
    if (/relative path|absolute path|invalid characters/i.test(message)) throw fail(`an entry points outside the archive (${message}: zip-slip); refusing the archive`);
    throw fail(`not a readable zip archive (${message}); ${EXPECTED}`);
  }
  if (!sawRoot) throw fail(`no apiproxy/ folder in the archive; ${EXPECTED}`);
  return files;
}
