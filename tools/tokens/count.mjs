// count.mjs ENCODING... < strings.json > counts.json: npm tiktoken encode_ordinary
// counts of a JSON array of strings, as {"ENCODING": [count, ...], ...}
// (used by pkg/tokens TestAgainstNpmTiktoken).
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(path.resolve(process.env.FTPREP_NODE_DIR ?? "tools/node", "package.json"));
const { get_encoding } = require("tiktoken");
const strings = JSON.parse(fs.readFileSync(0, "utf8"));
const out = {};
for (const name of process.argv.slice(2)) {
  const enc = get_encoding(name);
  out[name] = strings.map((s) => enc.encode_ordinary(s).length);
  enc.free();
}
process.stdout.write(JSON.stringify(out));
