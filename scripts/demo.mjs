// `npm run demo`: the whole pipeline against the local emulator (issue 8, being built).
console.error('npm run demo: the end-to-end demo is not built yet (see issue 8). Run `npm test` meanwhile.');
process.exit(1);
