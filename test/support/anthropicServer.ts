// The Anthropic Messages stand-in is product code, like the OpenAI and Gemini ones.
export * from '../../src/standins/anthropicStandIn.js';
