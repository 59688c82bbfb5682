/**
 * Inputs ares sees but does not read, recognised so that they are named in an `unsupported-input` notice (with what
 * to scan instead) rather than skipped in silence: raw Terraform, CDK and Pulumi apps, Bicep and ARM templates,
 * Azure Functions, Alibaba Function Compute (funcraft/ROS) templates, non-AWS Serverless Framework services and GCP
 * exports. A table, not branches (see STYLE.md).
 */
import { basename, dirname } from 'node:path';
import type { Notice } from '../../../model/index.js';

interface ByName {
  /** What the file is, for the notice. */
  format: string;
  test: (name: string) => boolean;
  /** One notice per directory (a Terraform module has many `.tf` files), else per file. */
  perDirectory: boolean;
  /** What to do instead. */
  advice: string;
}

/** Recognised from the file name alone; such files are not read. */
const BY_NAME: readonly ByName[] = [
  {
    format: 'raw Terraform configuration (.tf)',
    test: (n) => /\.tf$/i.test(n),
    perDirectory: true,
    advice:
      'run `terraform plan -out plan && terraform show -json plan > plan.json` (or `terraform show -json` on the state) and scan plan.json',
  },
  {
    format: 'an AWS CDK app (cdk.json)',
    test: (n) => n === 'cdk.json',
    perDirectory: true,
    advice: 'run `cdk synth` and scan the cdk.out directory it writes',
  },
  {
    format: 'a Pulumi project (Pulumi.yaml)',
    test: (n) => /^Pulumi(\.[^.]+)?\.ya?ml$/.test(n),
    perDirectory: true,
    advice:
      'ares does not read Pulumi programs; export the deployed resources with the AWS CLI (aws iam get-account-authorization-details, aws lambda list-functions, ...) and scan those',
  },
  {
    format: 'an Azure Bicep file (.bicep)',
    test: (n) => /\.bicep$/i.test(n),
    perDirectory: false,
    advice: 'ares reads AWS inputs only; Azure is not supported yet',
  },
  {
    format: 'an Azure Functions app (host.json / function.json)',
    test: (n) => n === 'host.json' || n === 'function.json',
    perDirectory: true,
    advice: 'ares reads AWS inputs only; Azure Functions are not supported yet',
  },
];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

interface ByContent {
  format: (parsed: Record<string, unknown>) => string | undefined;
  advice: string;
}

/** Recognised from parsed YAML/JSON that no importer took. */
const BY_CONTENT: readonly ByContent[] = [
  {
    // serverless-patterns metadata (`example-pattern.json`) stands in for a CDK or Pulumi app's sources.
    format: (p) =>
      typeof p.title === 'string' && typeof p.framework === 'string' && /cdk|pulumi/i.test(p.framework)
        ? `a pattern built with ${p.framework}, of which only the description is here`
        : undefined,
    advice:
      'synthesise it (`cdk synth`, then scan cdk.out; for Pulumi, export the deployed resources with the AWS CLI) and scan the result',
  },
  {
    format: (p) => {
      const provider = isRecord(p.provider) ? p.provider.name : p.provider;
      return typeof p.service !== 'undefined' && typeof provider === 'string' && provider !== 'aws'
        ? `a Serverless Framework service for provider "${provider}"`
        : undefined;
    },
    advice: 'ares reads the aws provider only',
  },
  {
    format: (p) =>
      typeof p.Version === 'string' && p.Statement !== undefined && Object.keys(p).length <= 3
        ? 'a bare IAM policy document (attached to nothing in the inputs)'
        : undefined,
    advice:
      'ares reads policies with what they are attached to: scan the template that attaches it, or an IAM export',
  },
  {
    format: (p) =>
      typeof p.ROSTemplateFormatVersion === 'string' || /Aliyun::Serverless/.test(String(p.Transform ?? ''))
        ? 'an Alibaba Cloud Function Compute (funcraft/ROS) template'
        : undefined,
    advice: 'ares reads AWS inputs only; Alibaba Cloud is not supported yet',
  },
  {
    format: (p) =>
      typeof p.$schema === 'string' && /deploymentTemplate|deploymentParameters/i.test(p.$schema)
        ? 'an Azure Resource Manager template'
        : undefined,
    advice: 'ares reads AWS inputs only; Azure is not supported yet',
  },
  {
    format: (p) =>
      isRecord(p.resource) || (isRecord(p.terraform) && !('format_version' in p))
        ? 'Terraform configuration in JSON (.tf.json)'
        : undefined,
    advice: 'run `terraform show -json` on a plan or the state and scan its output',
  },
  {
    format: (p) => {
      const text = JSON.stringify(p).slice(0, 20_000);
      const functions = /"name":"projects\/[^"]+\/locations\/[^"]+\/(functions|services)\//.test(text);
      const deploymentManager = /"type":"gcp-types\//.test(text);
      const iamPolicy = /"bindings":/.test(text) && /"(serviceAccount|user|group):[^"]*@/.test(text);
      return functions || deploymentManager || iamPolicy
        ? 'a Google Cloud export or Deployment Manager configuration'
        : undefined;
    },
    advice: 'ares reads AWS inputs only; Google Cloud is not supported yet',
  },
];

export interface UnsupportedInput {
  notice: Notice;
  /** Notices with the same key are one notice (a directory's `.tf` files). */
  key: string;
}

function noticeFor(format: string, advice: string, file: string): Notice {
  return { code: 'unsupported-input', message: `${format}: not read; ${advice}`, file };
}

/** A file recognised by name as an input ares does not read; such a file need not be read at all. */
export function unsupportedByName(file: string): UnsupportedInput | undefined {
  const name = basename(file);
  const rule = BY_NAME.find((r) => r.test(name));
  if (!rule) return undefined;
  const dir = name === 'function.json' ? dirname(dirname(file)) : dirname(file);
  const subject = rule.perDirectory ? dir : file;
  return { notice: noticeFor(rule.format, rule.advice, subject), key: `${rule.format}\u0000${subject}` };
}

/** Whether the walk should list a file because its name alone says it is an input ares does not read. */
export function isUnsupportedName(name: string): boolean {
  return BY_NAME.some((r) => r.test(name));
}

/** A parsed file no importer recognised, if it is a known format ares does not read. */
export function unsupportedByContent(file: string, parsed: unknown): UnsupportedInput | undefined {
  if (!isRecord(parsed)) return undefined;
  for (const rule of BY_CONTENT) {
    const format = rule.format(parsed);
    if (format) return { notice: noticeFor(format, rule.advice, file), key: `${format}\u0000${file}` };
  }
  return undefined;
}
