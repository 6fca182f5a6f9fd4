// Writes dist/index.mjs and dist/index.d.mts: an ES module entry that re-exports the CommonJS build,
// so an application that mixes import and require gets one copy of every class and container token.
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const names = Object.keys(require(path.join(dist, 'index.js'))).filter((name) => name !== '__esModule');
const lines = [
  "import library from './index.js';",
  '',
  `export const { ${names.join(', ')} } = library;`,
  '',
];
fs.writeFileSync(path.join(dist, 'index.mjs'), lines.join('\n'));
fs.writeFileSync(path.join(dist, 'index.d.mts'), "export * from './index.js';\n");
