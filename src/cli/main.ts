#!/usr/bin/env node
// The bqread command. Node's compile cache serves only modules compiled after it is on, and an
// entry's static imports are all compiled before its first line runs; so this entry turns the
// cache on and then loads the program (program.ts), which parses the command line and runs it.
import { enableCompileCache } from '../compile-cache.js';

enableCompileCache();
await import('./program.js');
