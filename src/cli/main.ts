#!/usr/bin/env node
/** The `ares` executable: runs the command line and sets the exit code. */
import { main } from './run.js';

process.exitCode = await main(process.argv.slice(2));
