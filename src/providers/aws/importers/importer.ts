/** The shape every AWS importer has: recognise a file by its content, and turn it into (part of) an Estate. */
import type { Estate } from '../../../model/index.js';

export interface ImportOptions {
  /** Account id for pseudo parameters and ARNs the input does not spell out (default 123456789012). */
  account: string;
  /** Region likewise (default us-east-1). */
  region: string;
  partition: string;
  /** Template parameter overrides from `--param K=V`. */
  params: Record<string, string>;
  /**
   * The CloudFormation stack the template is deployed as (see stackNames.ts). When set, `AWS::StackName` is it and
   * resources without a name property get CloudFormation's generated name pattern `<stack>-<LogicalId>-*`.
   */
  stack?: string;
  /** `Outputs.*.Export` values of every template of the scan, by export name, for `Fn::ImportValue`. */
  exports?: ReadonlyMap<string, unknown>;
}

export const DEFAULT_IMPORT_OPTIONS: ImportOptions = {
  account: '123456789012',
  region: 'us-east-1',
  partition: 'aws',
  params: {},
};

/** One input file, already read; `parsed` is the YAML/JSON value when the file parsed. */
export interface ImportInput {
  /** The path as the user gave it (reported in errors and locations). */
  file: string;
  text: string;
  parsed: unknown;
  /** The line of every key and list item of `parsed` (by path key), when the loader parsed the text. */
  lines?: Map<string, number>;
  /**
   * The directory the file was found under (the scanned path, or the file's own directory when it was named):
   * files the input points to (`${file(...)}`, an `AWS::Include` snippet, an OpenAPI or state machine definition)
   * are read only inside it. Default: the input's directory.
   */
  root?: string;
  /** Told of each file the importer reads as part of this input, so that it is not also imported on its own. */
  onInclude?: (file: string) => void;
}

export interface Importer {
  /** Short name used in stats and errors, e.g. `cloudformation`, `terraform`, `aws-cli:list-functions`. */
  name: string;
  /** True when the parsed content is of this importer's format. Must not throw. */
  detect(input: ImportInput): boolean;
  /**
   * The estate this file describes. Constructs that cannot be read go to `errors` (file, location, reason);
   * the rest is still imported. Throws only for a file it cannot read at all (then the caller records the error).
   */
  import(input: ImportInput, options: ImportOptions): Estate;
}
