#!/usr/bin/env node
// The installed entry point. It only turns on Node's on-disk cache of compiled code
// (Node >= 22.1) before the rest of the app is loaded, so later starts skip most of V8's
// compiling; main.ts (and everything it imports) comes after it.
import { enableCompileCache } from 'node:module';

enableCompileCache?.();
await import('./main.js');
