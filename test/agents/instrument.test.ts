/** `ares instrument` on temporary copies of small SAM, serverless.yml, CloudFormation JSON and bare-directory apps. */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/run.js';
import { planInstrumentation, readWrapperMetadata } from '../../src/instrument/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/agents/fixtures/instrument');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ares-instrument-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function copy(name: string): string {
  cpSync(join(FIXTURES, name), join(dir, name), { recursive: true });
  return join(dir, name);
}

async function instrument(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['instrument', ...args], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function snapshot(root: string, files: string[]): Record<string, string | undefined> {
  return Object.fromEntries(
    files.map((f) => [f, existsSync(join(root, f)) ? readFileSync(join(root, f), 'utf8') : undefined]),
  );
}

describe('ares instrument on a SAM template', () => {
  const files = [
    'template.yaml',
    'src/node-fn/ares-wrapper.mjs',
    'src/py-fn/ares_wrapper.py',
    'src/py-fn/ares_agent/wrapper.py',
  ];

  it('prints the changes and writes nothing with --dry-run', async () => {
    const app = copy('sam');
    const before = snapshot(app, files);
    const { code, out } = await instrument(app, '--dry-run');
    expect(code).toBe(0);
    expect(out).toContain('wrap    NodeFn: app.handler -> ares-wrapper.handler (line 15)');
    expect(out).toContain('wrap    PyFn: app.lambda_handler -> ares_wrapper.lambda_handler (line 24)');
    expect(out).toMatch(/skip {4}ImageFn: container image/);
    expect(out).toMatch(/skip {4}SubFn: .*not a plain string/);
    expect(out).toMatch(/dry run: \d+ file\(s\) would be written/);
    expect(snapshot(app, files)).toEqual(before);
  });

  it('replaces only the handler values in the YAML, keeping quotes and comments', async () => {
    const app = copy('sam');
    const original = readFileSync(join(app, 'template.yaml'), 'utf8').split('\n');
    expect((await instrument(app)).code).toBe(0);
    const edited = readFileSync(join(app, 'template.yaml'), 'utf8').split('\n');
    expect(edited).toHaveLength(original.length);
    const changed = edited.flatMap((line, i) => (line === original[i] ? [] : [[original[i], line]]));
    expect(changed).toEqual([
      [
        '      Handler: app.handler # the original entry',
        '      Handler: ares-wrapper.handler # the original entry',
      ],
      ["      Handler: 'app.lambda_handler'", "      Handler: 'ares_wrapper.lambda_handler'"],
    ]);
    const nodeWrapper = readFileSync(join(app, 'src/node-fn/ares-wrapper.mjs'), 'utf8');
    expect(nodeWrapper).toContain("import { withAres } from 'ares/agent';");
    expect(nodeWrapper).toContain('import * as m0 from "./app.mjs";');
    expect(readWrapperMetadata(nodeWrapper)).toEqual(new Map([['handler', 'app.handler']]));
    expect(readFileSync(join(app, 'src/py-fn/ares_agent/ed25519.py'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'agents/python/ares_agent/ed25519.py'), 'utf8'),
    );
  });

  it('changes nothing when run twice', async () => {
    const app = copy('sam');
    await instrument(app);
    const once = snapshot(app, files);
    const second = await instrument(join(app, 'template.yaml'));
    expect(second.out).toContain('ok      NodeFn: already ares-wrapper.handler');
    expect(second.out).toContain('nothing to change');
    expect(snapshot(app, files)).toEqual(once);
  });

  it('produces a Python wrapper that blocks and allows as the block table says', async () => {
    const app = copy('sam');
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:py-fn';
    const table = join(dir, 'table.json');
    writeFileSync(
      table,
      JSON.stringify({
        version: 't',
        createdAt: '',
        functions: {
          // As compiled where U reaches py-fn through API Gateway only (no direct invoke): the identity API
          // Gateway puts in the event is the platform's, and nobody blocked here arrives unvouched.
          [arn]: {
            function: arn,
            name: 'py-fn',
            conduit: true,
            blocked: { 'arn:aws:iam::1:user/U': [{}] },
            eventClaims: true,
            unvouched: [],
          },
        },
        functionIds: { 'py-fn': arn },
        principalIds: {},
      }),
    );
    await instrument(app, '--block-table', table);
    expect(existsSync(join(app, 'src/py-fn/ares-block-table.json'))).toBe(true);
    const script = `
import json, types, ares_wrapper
ctx = types.SimpleNamespace(function_name="py-fn", invoked_function_arn="${arn}", client_context=None)
def call(user):
    try:
        return ares_wrapper.lambda_handler({"requestContext": {"identity": {"userArn": user}}}, ctx)
    except Exception as e:
        return {"blocked": type(e).__name__, "reason": e.reason}
print(json.dumps([call("arn:aws:iam::1:user/U"), call("arn:aws:iam::1:user/V")]))`;
    const out = execFileSync('python3', ['-c', script], {
      cwd: join(app, 'src/py-fn'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [u, v] = JSON.parse(out) as [Record<string, unknown>, Record<string, unknown>];
    expect(u).toEqual({ blocked: 'ARESBlocked', reason: 'origin-blocked' });
    expect(v).toMatchObject({ seen: { requestContext: { identity: { userArn: 'arn:aws:iam::1:user/V' } } } });
  });
});

describe('ares instrument on a serverless.yml', () => {
  it('gives handlers that share a directory their own exports, and wraps CommonJS and ESM modules', async () => {
    const app = copy('serverless');
    expect((await instrument(app)).code).toBe(0);
    const yml = readFileSync(join(app, 'serverless.yml'), 'utf8');
    expect(yml).toContain('handler: ares-wrapper.create');
    expect(yml).toContain('handler: ares-wrapper.list');
    expect(yml).toContain('handler: ares-wrapper.handler');
    expect(yml).toContain('handler: ares_wrapper.main');
    const wrapper = readFileSync(join(app, 'ares-wrapper.mjs'), 'utf8');
    expect(readWrapperMetadata(wrapper)).toEqual(
      new Map([
        ['create', 'src/handlers/users.create'],
        ['handler', 'src/handlers/health.handler'],
        ['list', 'src/handlers/users.list'],
      ]),
    );
    // A stand-in for the ares package, so the generated module can be loaded and called.
    mkdirSync(join(app, 'node_modules/ares'), { recursive: true });
    writeFileSync(
      join(app, 'node_modules/ares/package.json'),
      JSON.stringify({ name: 'ares', type: 'module', exports: { './agent': './agent.js' } }),
    );
    writeFileSync(
      join(app, 'node_modules/ares/agent.js'),
      'export const withAres = (fn, options) => async (e, c) => ({ wrapped: Object.keys(options).sort(), result: await fn(e, c) });\n',
    );
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const w = await import(${JSON.stringify(join(app, 'ares-wrapper.mjs'))}); console.log(JSON.stringify([await w.create({}), await w.list({}), await w.handler({})]));`,
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual([
      { wrapped: ['blockTableFile', 'publicKeyPem', 'signingKey'], result: { statusCode: 201 } },
      { wrapped: ['blockTableFile', 'publicKeyPem', 'signingKey'], result: { statusCode: 200 } },
      { wrapped: ['blockTableFile', 'publicKeyPem', 'signingKey'], result: { statusCode: 200 } },
    ]);
    expect((await instrument(app)).out).toContain('nothing to change');
  });
});

describe('ares instrument on a CloudFormation JSON template and on bare directories', () => {
  it('rewrites a JSON template keeping its indentation', async () => {
    const app = copy('cfn-json');
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: { Runtime: 'python3.12', Handler: 'main.handler', Code: 'code' },
        },
      },
    };
    writeFileSync(join(app, 'template.json'), `${JSON.stringify(template, null, 4)}\n`);
    expect((await instrument(join(app, 'template.json'))).code).toBe(0);
    template.Resources.Fn.Properties.Handler = 'ares_wrapper.handler';
    expect(readFileSync(join(app, 'template.json'), 'utf8')).toBe(`${JSON.stringify(template, null, 4)}\n`);
    expect(existsSync(join(app, 'code/ares_wrapper.py'))).toBe(true);
  });

  it('guesses the handler of a Node directory from package.json main', async () => {
    const app = copy('plain-node');
    const { out } = await instrument(app);
    expect(out).toContain('wrap    ');
    expect(out).toContain('lib.handler -> ares-wrapper.handler');
    expect(out).toContain('note    set the handler of');
    expect(readFileSync(join(app, 'ares-wrapper.mjs'), 'utf8')).toContain('import * as m0 from "./lib.js";');
  });

  it("finds a Python directory's lambda_function.lambda_handler, and takes --handler", async () => {
    const app = copy('plain-python');
    const plan = planInstrumentation(app);
    expect(plan.functions).toEqual([
      {
        id: app,
        outcome: 'wrapped',
        from: 'lambda_function.lambda_handler',
        to: 'ares_wrapper.lambda_handler',
      },
    ]);
    const other = planInstrumentation(app, { handler: 'lambda_function.other' });
    expect(other.functions[0]).toMatchObject({ to: 'ares_wrapper.other' });
  });

  it('exits 2 for a missing path or a file that is no template', async () => {
    expect((await instrument(join(dir, 'nope'))).code).toBe(2);
    writeFileSync(join(dir, 'x.yaml'), 'just: text\n');
    const bad = await instrument(join(dir, 'x.yaml'));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('neither a CloudFormation template nor a serverless.yml');
  });
});
