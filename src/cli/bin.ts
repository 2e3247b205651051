#!/usr/bin/env node
// The installed entry point. It checks the Node version (an older Node would fail on a missing
// API with a stack trace) and turns on Node's on-disk cache of compiled code (Node >= 22.1),
// so later starts skip most of V8's compiling; main.ts (and everything it imports) comes after.
import * as nodeModule from 'node:module';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `error: aider-orchestrator needs Node.js 22.13 or newer (this is ${process.version}): install a newer Node, e.g. with nvm or from nodejs.org\n`,
  );
  process.exit(2);
}
nodeModule.enableCompileCache?.();
await import('./main.js');
