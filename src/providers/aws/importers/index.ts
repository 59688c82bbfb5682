/** AWS importers: every input format ares reads for AWS, recognised by content, and the loader that applies them. */
import type { Importer } from './importer.js';

/** The importers, most specific first (a file goes to the first that recognises it). */
export const awsImporters: readonly Importer[] = [];
export { DEFAULT_IMPORT_OPTIONS, type Importer, type ImportInput, type ImportOptions } from './importer.js';
export { loadEstates, listInputFiles, type LoadedEstates, type LoadStats } from './loadEstate.js';
export { parseInputText } from './parseInputText.js';
