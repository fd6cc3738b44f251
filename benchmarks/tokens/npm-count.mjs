// npm-count.mjs SAMPLE.json ENCODING: counts the JSON array of strings with npm
// tiktoken encode_ordinary and prints {"total": tokens, "mbps": MB per CPU-second} (UTF-8 bytes).
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const [file, name] = process.argv.slice(2);
const require = createRequire(path.resolve(process.env.FTPREP_NODE_DIR ?? "tools/node", "package.json"));
const { get_encoding } = require("tiktoken");
const chunks = JSON.parse(fs.readFileSync(file, "utf8"));
const enc = get_encoding(name);
let bytes = 0;
for (const c of chunks) bytes += Buffer.byteLength(c);
const t0 = process.cpuUsage();
let total = 0;
for (const c of chunks) total += enc.encode_ordinary(c).length;
const u = process.cpuUsage(t0);
const secs = (u.user + u.system) / 1e6;
enc.free();
console.log(JSON.stringify({ total, mbps: bytes / 1e6 / secs }));
