import { AiderSession, type AiderSessionOptions } from '../../src/agents/aiderSession.js';

/**
 * A stand-in for the app in the "app killed" test: starts one aider session, prints
 * `ready <aider pid>` and stays alive until it is killed.
 * Usage: node --import tsx test/support/sessionHolder.ts '<AiderSessionOptions as JSON>'
 */
const options = JSON.parse(process.argv[2] ?? '{}') as AiderSessionOptions;
const session = new AiderSession(options);
await session.start();
process.stdout.write(`ready ${session.pid}\n`);
setInterval(() => undefined, 60_000);
