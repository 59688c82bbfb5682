/**
 * `ares instrument`: puts the ares agent in front of existing Lambda handlers without touching their code. It finds
 * the functions of a SAM/CloudFormation template, a serverless.yml or a bare code directory, writes a wrapper entry
 * per code directory (`ares-wrapper.mjs` for Node, `ares_wrapper.py` for Python, with the Python agent vendored
 * beside it), and points each Handler at it, editing YAML templates in place. Planning is separate from writing so
 * `--dry-run` shows exactly what would change; running twice changes nothing the second time.
 */
export {
  planInstrumentation,
  applyPlan,
  type InstrumentPlan,
  type InstrumentOptions,
  type FileWrite,
  type FunctionOutcome,
} from './plan.js';
export { InstrumentError } from './errors.js';
export { readWrapperMetadata, BLOCK_TABLE_FILE, PUBLIC_KEY_FILE } from './wrappers.js';
