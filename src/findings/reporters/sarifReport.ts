/** The SARIF 2.1.0 report, for code-scanning dashboards: one result per finding, at the entry function's template. */
import type { Finding, Severity } from '../../model/index.js';
import type { ScanReport } from '../scanReport.js';
import { renderPath } from './textReport.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

function location(finding: Finding): object[] {
  if (!finding.location) return [];
  const region = finding.location.line ? { region: { startLine: finding.location.line } } : {};
  return [
    {
      physicalLocation: { artifactLocation: { uri: finding.location.file.replace(/\\/g, '/') }, ...region },
      ...(finding.location.path ? { logicalLocations: [{ fullyQualifiedName: finding.location.path }] } : {}),
    },
  ];
}

function fileLocation(file: string): object {
  return { physicalLocation: { artifactLocation: { uri: file.replace(/\\/g, '/') } } };
}

export function sarifReport(report: ScanReport, toolVersion: string): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ares',
            version: toolVersion,
            rules: [
              {
                id: 'privilege-bypass',
                name: 'PrivilegeBypass',
                shortDescription: { text: 'A requester reaches, through functions, what it is denied.' },
                fullDescription: {
                  text: 'The requester may invoke a function (directly or through an event source) whose identity reaches, possibly through further functions, a resource action the requester is denied.',
                },
                defaultConfiguration: { level: 'error' },
              },
            ],
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.kind,
          ruleIndex: 0,
          level: LEVEL[f.severity],
          message: {
            text: `${f.principal.name} is denied ${f.actions.join(', ')} on ${f.resource.name} (${f.denial}) but reaches it: ${renderPath(f.path)}`,
          },
          locations: location(f),
          partialFingerprints: { aresFindingId: f.id },
          properties: {
            severity: f.severity,
            denial: f.denial,
            principal: f.principal.id,
            entry: f.entry.id,
            resource: f.resource.id,
            actions: f.actions,
            ...(f.conditions ? { conditions: f.conditions } : {}),
          },
        })),
        ...(report.errors.length > 0 || (report.notices ?? []).length > 0
          ? {
              invocations: [
                {
                  executionSuccessful: true,
                  toolExecutionNotifications: [
                    // Notices first: `no-requesters` says the run could not look for bypasses at all.
                    ...(report.notices ?? []).map((n) => ({
                      level: n.code === 'no-requesters' ? 'warning' : 'note',
                      descriptor: { id: n.code },
                      message: { text: `${n.file ? `${n.file}: ` : ''}${n.message}` },
                      ...(n.file ? { locations: [fileLocation(n.file)] } : {}),
                    })),
                    ...report.errors.map((e) => ({
                      level: e.severity === 'info' ? 'note' : 'warning',
                      message: { text: `${e.file}${e.location ? ` (${e.location})` : ''}: ${e.message}` },
                    })),
                  ],
                },
              ],
            }
          : {}),
      },
    ],
  };
}
