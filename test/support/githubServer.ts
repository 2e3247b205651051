// The GitHub REST stand-in is product code, like the model stand-ins.
export * from '../../src/standins/githubStandIn.js';
