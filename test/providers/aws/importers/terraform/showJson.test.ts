import { describe, expect, it } from 'vitest';
import { EstateBuilder } from '../../../../../src/providers/aws/importers/common/estateBuilder.js';
import {
  TerraformFormatError,
  terraformImporter as terraform,
} from '../../../../../src/providers/aws/importers/terraform/index.js';
import {
  readShowJson,
  stripInstanceKeys,
} from '../../../../../src/providers/aws/importers/terraform/showJson.js';
import { inline, OPTIONS } from '../cli/fixtureInput.js';

const A = '111122223333';
const resource = (address: string, type: string, name: string, values: unknown, extra: object = {}) => ({
  address,
  mode: 'managed',
  type,
  name,
  values,
  ...extra,
});
const plan = (rootModule: unknown, configuration?: unknown) =>
  inline('plan.json', { format_version: '1.2', planned_values: { root_module: rootModule }, configuration });

describe('reading terraform show -json', () => {
  it('strips instance keys from module and resource addresses, quoted keys included', () => {
    expect(stripInstanceKeys('module.a["x.y[0]"].module.b[0].aws_iam_role.r["k"]')).toBe(
      'module.a.module.b.aws_iam_role.r',
    );
  });

  it('flattens child modules recursively', () => {
    const builder = new EstateBuilder('plan.json');
    const doc = readShowJson(
      {
        planned_values: {
          root_module: {
            resources: [resource('aws_sqs_queue.a', 'aws_sqs_queue', 'a', { name: 'a' })],
            child_modules: [
              {
                address: 'module.m["eu"]',
                resources: [],
                child_modules: [
                  {
                    address: 'module.m["eu"].module.n',
                    resources: [
                      resource('module.m["eu"].module.n.aws_sqs_queue.b', 'aws_sqs_queue', 'b', {
                        name: 'b',
                      }),
                    ],
                  },
                ],
              },
            ],
          },
        },
      },
      builder,
    );
    expect(doc.kind).toBe('plan');
    expect(doc.resources.map((r) => [r.address, r.configAddress, r.moduleInstance])).toEqual([
      ['aws_sqs_queue.a', 'aws_sqs_queue.a', ''],
      [
        'module.m["eu"].module.n.aws_sqs_queue.b',
        'module.m.module.n.aws_sqs_queue.b',
        'module.m["eu"].module.n',
      ],
    ]);
  });

  it('links a reference inside a for_each module to the same module instance', () => {
    const instance = (key: string) => `module.svc["${key}"]`;
    const child = (key: string) => ({
      address: instance(key),
      resources: [
        resource(`${instance(key)}.aws_iam_role.r`, 'aws_iam_role', 'r', { name: `role-${key}` }),
        resource(`${instance(key)}.aws_lambda_function.f`, 'aws_lambda_function', 'f', {
          function_name: `fn-${key}`,
        }),
      ],
    });
    const configuration = {
      root_module: {
        module_calls: {
          svc: {
            module: {
              resources: [
                { address: 'aws_iam_role.r', expressions: {} },
                {
                  address: 'aws_lambda_function.f',
                  expressions: { role: { references: ['aws_iam_role.r.arn', 'aws_iam_role.r'] } },
                },
              ],
            },
          },
        },
      },
    };
    const estate = terraform.import(
      plan({ child_modules: [child('eu'), child('us')] }, configuration),
      OPTIONS,
    );
    expect(estate.functions.map((f) => [f.name, f.identity])).toEqual([
      ['fn-eu', `arn:aws:iam::${A}:role/role-eu`],
      ['fn-us', `arn:aws:iam::${A}:role/role-us`],
    ]);
  });

  it('follows a variable to the parent and an output into a sibling module', () => {
    const rootModule = {
      child_modules: [
        {
          address: 'module.iam',
          resources: [
            resource('module.iam.aws_iam_role.exec', 'aws_iam_role', 'exec', {
              name: 'shared-exec',
              assume_role_policy: '{"Version":"2012-10-17","Statement":[]}',
            }),
          ],
        },
        {
          address: 'module.app',
          resources: [
            resource('module.app.aws_lambda_function.f', 'aws_lambda_function', 'f', {
              function_name: 'app',
            }),
          ],
        },
      ],
    };
    const configuration = {
      root_module: {
        module_calls: {
          iam: {
            module: {
              resources: [{ address: 'aws_iam_role.exec', expressions: {} }],
              outputs: {
                role_arn: { expression: { references: ['aws_iam_role.exec.arn', 'aws_iam_role.exec'] } },
              },
            },
          },
          app: {
            expressions: { role_arn: { references: ['module.iam.role_arn', 'module.iam'] } },
            module: {
              resources: [
                { address: 'aws_lambda_function.f', expressions: { role: { references: ['var.role_arn'] } } },
              ],
            },
          },
        },
      },
    };
    const estate = terraform.import(plan(rootModule, configuration), OPTIONS);
    expect(estate.functions[0]?.identity).toBe(`arn:aws:iam::${A}:role/shared-exec`);
    expect(estate.errors).toEqual([]);
  });

  it('links the elements of a list unknown until apply (printed as null) through the configuration', () => {
    const rootModule = {
      resources: [
        resource('aws_iam_user.known', 'aws_iam_user', 'known', { name: 'known' }),
        resource('aws_iam_user.later', 'aws_iam_user', 'later', { name_prefix: 'later-' }),
        resource('aws_iam_group.g', 'aws_iam_group', 'g', { name: 'g' }),
        resource('aws_iam_group_membership.m', 'aws_iam_group_membership', 'm', {
          group: 'g',
          users: ['known', null],
        }),
      ],
    };
    const configuration = {
      root_module: {
        resources: [
          {
            address: 'aws_iam_group_membership.m',
            expressions: {
              users: { references: ['aws_iam_user.known.name', 'aws_iam_user.later.name'] },
            },
          },
        ],
      },
    };
    const estate = terraform.import(plan(rootModule, configuration), OPTIONS);
    expect(estate.memberships.map((m) => m.user)).toEqual([
      `arn:aws:iam::${A}:user/known`,
      `arn:aws:iam::${A}:user/<aws_iam_user.later>`,
    ]);
  });

  it("matches a role's inline policies to their configuration by name, not by set order", () => {
    const known = '{"Version":"2012-10-17","Statement":[]}';
    const rootModule = {
      resources: [
        resource('aws_sqs_queue.q', 'aws_sqs_queue', 'q', { name: 'q' }),
        resource('aws_iam_role.r', 'aws_iam_role', 'r', {
          name: 'r',
          assume_role_policy: known,
          inline_policy: [{ name: 'b', policy: known }, { name: 'a' }],
        }),
      ],
    };
    const configuration = {
      root_module: {
        resources: [
          {
            address: 'aws_iam_role.r',
            expressions: {
              inline_policy: [
                {
                  name: { constant_value: 'a' },
                  policy: { references: ['aws_sqs_queue.q.arn', 'aws_sqs_queue.q'] },
                },
                { name: { constant_value: 'b' }, policy: { constant_value: known } },
              ],
            },
          },
        ],
      },
    };
    const estate = terraform.import(plan(rootModule, configuration), OPTIONS);
    expect(estate.policies.filter((p) => p.type === 'identity').map((p) => p.name)).toEqual(['b']);
    expect(estate.errors).toEqual([
      {
        file: 'plan.json',
        message:
          'inline_policy[1].policy is unknown until apply (it refers to aws_sqs_queue.q); policy not imported',
        location: 'aws_iam_role.r',
        severity: 'info',
      },
    ]);
  });

  it('notes a link it cannot make in a plan without configuration, and still imports the function', () => {
    const estate = terraform.import(
      plan({
        resources: [resource('aws_lambda_function.f', 'aws_lambda_function', 'f', { function_name: 'f' })],
      }),
      OPTIONS,
    );
    expect(estate.functions).toEqual([
      expect.objectContaining({ id: `arn:aws:lambda:eu-west-1:${A}:function:f` }),
    ]);
    expect(estate.errors).toEqual([
      {
        file: 'plan.json',
        message: 'role is unknown until apply; not linked',
        location: 'aws_lambda_function.f',
        severity: 'info',
      },
    ]);
  });

  it('reports broken entries by their JSON path and keeps going', () => {
    const estate = terraform.import(
      plan({
        resources: [
          'junk',
          { address: 'x' },
          resource('aws_iam_user.u', 'aws_iam_user', 'u', { name: 'u', path: '/' }),
          resource('aws_iam_user_policy.p', 'aws_iam_user_policy', 'p', { user: 'u', name: 'p', policy: 42 }),
        ],
        child_modules: [{ resources: [] }],
      }),
      OPTIONS,
    );
    expect(estate.principals.map((p) => p.id)).toEqual([`arn:aws:iam::${A}:user/u`]);
    expect(estate.errors).toEqual([
      {
        file: 'plan.json',
        message: 'resource has no type or name',
        location: 'planned_values.root_module.resources[0]',
      },
      {
        file: 'plan.json',
        message: 'resource has no type or name',
        location: 'planned_values.root_module.resources[1]',
      },
      {
        file: 'plan.json',
        message: 'child module has no address',
        location: 'planned_values.root_module.child_modules[0]',
      },
      expect.objectContaining({
        location: 'aws_iam_user_policy.p.policy',
        message: 'policy document is not a JSON object',
      }),
    ]);
  });

  it('refuses a format major version it does not know', () => {
    const input = inline('future.json', { format_version: '2.0', values: { root_module: {} } });
    expect(terraform.detect(input)).toBe(true);
    expect(() => terraform.import(input, OPTIONS)).toThrow(TerraformFormatError);
  });

  it('does not take a CloudFormation template or a CLI export', () => {
    expect(
      terraform.detect(inline('t.json', { AWSTemplateFormatVersion: '2010-09-09', Resources: {} })),
    ).toBe(false);
    expect(terraform.detect(inline('f.json', { Functions: [] }))).toBe(false);
  });
});
