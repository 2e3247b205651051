// The Gemini stand-in is product code (the offline demo uses it too).
export * from '../../src/standins/geminiStandIn.js';
