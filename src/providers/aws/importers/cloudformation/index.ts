/**
 * The CloudFormation and SAM template importer: reads a template (YAML with short-form tags, or JSON),
 * evaluates its intrinsic functions, and turns IAM, Lambda, SAM, event-source, API and Step Functions
 * resources into an Estate. The Serverless Framework importer reuses it for `resources.Resources`.
 */
import type { Importer } from '../importer.js';
import { isCloudFormationTemplate } from './detect.js';
import { importTemplateText, importTemplateValue } from './importTemplate.js';
import { parseTemplateText } from './parseTemplateText.js';

export const cloudFormationImporter: Importer = {
  name: 'cloudformation',
  detect(input) {
    try {
      const value = input.parsed ?? parseTemplateText(input.file, input.text).value;
      return isCloudFormationTemplate(value);
    } catch {
      return false;
    }
  },
  import(input, options) {
    // The loader has parsed the text already (with line numbers): do not parse it again.
    return input.lines
      ? importTemplateValue(input.file, input.parsed, input.lines, options, input.root)
      : importTemplateText(input.file, input.text, options, input.root);
  },
};

export { TemplateParseError, UnreadableProperty } from './errors.js';
export { isCloudFormationTemplate } from './detect.js';
export { parseTemplateText, type ParsedText } from './parseTemplateText.js';
export { ImportContext, type ContextInput } from './context.js';
export { EstateBuilder } from './estateBuilder.js';
export { templateExports } from './exports.js';
export { importResources } from './handlers.js';
export { templateResources } from './templateModel.js';
export { Resolver, intrinsicName, isRecord, isSymbolic, type TemplateResource } from './resolver.js';
export { locationOf, pathKey, type Path } from './path.js';
export { SAM_POLICY_TEMPLATES, expandPolicyTemplate } from './samPolicyTemplates.js';
