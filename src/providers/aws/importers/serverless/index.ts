/**
 * The Serverless Framework importer: reads `serverless.yml` for provider `aws`, resolves its variables,
 * and turns functions, their execution roles (provider IAM statements old and new style, managed policies,
 * existing roles) and events into an Estate. `resources.Resources` goes through the CloudFormation importer.
 */
import { parseTemplateText } from '../cloudformation/index.js';
import type { Importer } from '../importer.js';
import { isServerlessAwsConfig } from './detect.js';
import { importServerlessText, importServerlessValue } from './importConfig.js';

export const serverlessImporter: Importer = {
  name: 'serverless',
  detect(input) {
    try {
      const value = input.parsed ?? parseTemplateText(input.file, input.text).value;
      return isServerlessAwsConfig(value);
    } catch {
      return false;
    }
  },
  import(input, options) {
    // The loader has parsed the text already (with line numbers): do not parse it again.
    return input.lines
      ? importServerlessValue(input.file, input.parsed, input.lines, options, input.root, input.onInclude)
      : importServerlessText(input.file, input.text, options, input.root, input.onInclude);
  },
};

export { isServerlessAwsConfig } from './detect.js';
export { VariableResolver, type VariableContext, type UnresolvedReference } from './variables.js';
