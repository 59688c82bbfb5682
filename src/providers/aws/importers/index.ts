/** AWS importers: every input format ares reads for AWS, recognised by content, and the loader that applies them. */
import { cliImporters } from './cli/index.js';
import { cloudFormationImporter } from './cloudformation/index.js';
import type { Importer } from './importer.js';
import { serverlessImporter } from './serverless/index.js';
import { terraformImporter } from './terraform/index.js';

/** The importers, most specific first (a file goes to the first that recognises it). */
export const awsImporters: readonly Importer[] = [
  terraformImporter,
  ...cliImporters,
  serverlessImporter,
  cloudFormationImporter,
];
export { DEFAULT_IMPORT_OPTIONS, type Importer, type ImportInput, type ImportOptions } from './importer.js';
export {
  loadEstates,
  loadInputFiles,
  listInputFiles,
  type InputFile,
  type LoadedEstates,
  type LoadOptions,
  type LoadStats,
} from './loadEstate.js';
export { samconfigStackName, StackNamer, type StackAssignment } from './stackNames.js';
