// gen-golden.mjs writes testdata/tokens/golden-{o200k_base,cl100k_base}.jsonl.gz:
// one JSON object {"s": text, "n": count} per line, where count is npm tiktoken's
// encode_ordinary(text).length (the WASM build of OpenAI's Rust tiktoken).
//
// Deterministic: a seeded PRNG (mulberry32) drives every choice and real text is
// read from a sorted file list. Real text comes from the Go source tree (GOROOT)
// and /usr/share/doc, so regenerating on another machine gives different real-text
// samples but the same synthetic ones; the committed goldens are what TestGolden checks.
//
// Usage: node tools/tokens/gen-golden.mjs [--n 24000] [--seed 20261201] [--goroot DIR]
//        (run from the repository root; FTPREP_NODE_DIR points at tools/node)
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { execFileSync } from "node:child_process";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const N = Number(args.n ?? 24000);
const SEED = Number(args.seed ?? 20261201);
const nodeDir = process.env.FTPREP_NODE_DIR ?? "tools/node";
const require = createRequire(path.resolve(nodeDir, "package.json"));
const { get_encoding } = require("tiktoken");
let goroot = args.goroot;
if (!goroot) {
  try { goroot = execFileSync("go", ["env", "GOROOT"]).toString().trim(); } catch { goroot = "/usr/local/go"; }
}

function mulberry32(a) {
  return function () {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(SEED);
const int = (n) => Math.floor(rnd() * n);
const pick = (a) => a[int(a.length)];
const cp = (c) => String.fromCodePoint(c);

// ---- real text -------------------------------------------------------------
function walk(dir, exts, out, limit) {
  let ents;
  try { ents = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
  ents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of ents) {
    if (out.length >= limit) return;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, exts, out, limit);
    else if (e.isFile() && exts.some((x) => e.name.endsWith(x))) out.push(p);
  }
}
const files = [];
walk(path.join(goroot, "src"), [".go", ".s", ".txt", ".html", ".json"], files, 20000);
walk(path.join(goroot, "doc"), [".html", ".md", ".txt"], files, 21000);
walk("/usr/share/doc", ["copyright", ".txt", ".md", "README", "changelog", "NEWS"], files, 24000);
// Multilingual real text: the non-English word lists of npm @faker-js/faker and
// Python's CJK test texts, when present.
const multiFiles = [];
walk(path.join(nodeDir, "node_modules", "@faker-js", "faker", "dist", "cjs", "locales"), [".js"], multiFiles, 5000);
for (let i = multiFiles.length - 1; i >= 0; i--) if (/\/en[_/]/.test(multiFiles[i])) multiFiles.splice(i, 1);
for (const dir of ["/usr/lib/python3/test/cjkencodings"].concat(
  (() => { try { return fs.readdirSync("/root/.pyenv/versions").sort().map((v) => `/root/.pyenv/versions/${v}/lib/python${v.split(".").slice(0, 2).join(".")}/test/cjkencodings`); } catch { return []; } })())) {
  try { for (const f of fs.readdirSync(dir).sort()) if (f.endsWith("-utf8.txt")) multiFiles.push(path.join(dir, f)); } catch {}
}
console.error(`real text: ${files.length} files; multilingual: ${multiFiles.length} files`);
const utf8 = new TextDecoder("utf-8", { fatal: true });
function realChunk(from = files, lens = [40, 200, 600, 1200]) {
  for (let tries = 0; tries < 20; tries++) {
    if (from.length === 0) break;
    const f = pick(from);
    let buf;
    try { buf = fs.readFileSync(f); } catch { continue; }
    if (buf.length === 0 || buf.length > 4 << 20) continue;
    let text;
    try { text = utf8.decode(buf); } catch { continue; }
    const len = 1 + int(pick(lens));
    const start = int(Math.max(1, text.length - len));
    let s = Array.from(text.slice(start, start + len)).join(""); // drop a split surrogate pair
    s = s.replace(/[\uD800-\uDFFF]/g, "");
    if (s) return s;
  }
  return "fallback text";
}

// ---- synthetic edge cases --------------------------------------------------
const ranges = {
  latin: [[0x41, 0x5a], [0x61, 0x7a], [0xc0, 0x24f]],
  greek: [[0x391, 0x3c9]],
  cyrillic: [[0x410, 0x44f]],
  arabic: [[0x621, 0x64a], [0x660, 0x669], [0x64b, 0x652]],
  hebrew: [[0x5d0, 0x5ea], [0x591, 0x5c7]],
  devanagari: [[0x905, 0x939], [0x93e, 0x94d], [0x966, 0x96f]],
  thai: [[0xe01, 0xe3a], [0xe40, 0xe4e]],
  cjk: [[0x4e00, 0x9fff], [0x3040, 0x30ff], [0xac00, 0xd7a3], [0x3000, 0x303f], [0xff01, 0xff5e]],
  cjkExt: [[0x20000, 0x2a6df], [0x30000, 0x3134f], [0x31350, 0x323af], [0x2ebf0, 0x2ee5f]],
  combining: [[0x300, 0x36f], [0x1ab0, 0x1aff], [0x20d0, 0x20ff], [0xfe20, 0xfe2f]],
  emoji: [[0x1f300, 0x1f5ff], [0x1f600, 0x1f64f], [0x1f680, 0x1f6ff], [0x1f900, 0x1f9ff], [0x2600, 0x27bf]],
  digits: [[0x30, 0x39], [0x660, 0x669], [0x6f0, 0x6f9], [0x966, 0x96f], [0xff10, 0xff19], [0x2160, 0x2188], [0xbc, 0xbe], [0x2070, 0x2079], [0x1d7ce, 0x1d7ff]],
  symbols: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e], [0xa1, 0xbf], [0x2010, 0x205e], [0x2190, 0x23ff]],
  newer: [[0x1e5d0, 0x1e5ff], [0x16d40, 0x16d7f], [0x11bc0, 0x11bff], [0x10d40, 0x10d8f], [0x11380, 0x113ff], [0x105c0, 0x105ff], [0x1cc00, 0x1cebf], [0x1fa80, 0x1faff], [0x10940, 0x1095f], [0x11db0, 0x11def], [0x16ea0, 0x16edf], [0x1e6c0, 0x1e6ff]],
};
const specials = [
  "\uFEFF", "\u0085", "\u2028", "\u2029", "\u00A0", "\u1680", "\u2000", "\u2009", "\u200A", "\u202F", "\u205F", "\u3000",
  "\u180E", "\u200B", "\u200C", "\u200D", "\u2060", "\u000B", "\u000C", "\u001C", "\u001F", "\t", "\r", "\n", "\r\n", " ",
  "\u017F", "\u212A", "\u0130", "\u0131", "\u1E9E", "\u01C5", "\u02B0", "\u00AA", "\u00B2", "<|endoftext|>", "<|fim_prefix|>", "<|endofprompt|>",
];
const contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'M", "'LL", "'lL", "'D",
  "'\u017F", "'\u017Ft", "'\u212A", "'x", "'", "''s", "\u2019s", "'sS", "'ss", "'ll'd"];
const words = ["the", "The", "HTTP", "iPhone", "McDonald", "don", "I", "we", "they", "O", "ſ", "ſtraße", "ΣΑΣ", "naïve",
  "Ǆemal", "ǅemal", "ǈ", "ʰello", "ﬁnd", "Ⅻ", "x²", "a\u0301", "e\u0308\u0301", "\u0301", "ß", "İstanbul", "ı", "日本語", "한국어", "العربية"];
const ws = [" ", "  ", "    ", "\t", "\t\t", "\n", "\n\n", "\r\n", "\r", "\r\r\n", "\n \n", " \n", "\n    ", "\n\t\n", "\u3000", "\u00A0", "\u0085", "\u2028", "\uFEFF", " \u00A0 ", "\u000B", "\u000C"];

function fromRange(rs) {
  const [lo, hi] = pick(rs);
  return cp(lo + int(hi - lo + 1));
}
function randomCodePoint() {
  // Any scalar value: mostly BMP, sometimes astral; no surrogates.
  for (;;) {
    const c = rnd() < 0.8 ? int(0x10000) : 0x10000 + int(0x100000);
    if (c >= 0xd800 && c <= 0xdfff) continue;
    return cp(c);
  }
}
function atom() {
  const r = rnd();
  if (r < 0.12) return pick(words);
  if (r < 0.22) return pick(contractions);
  if (r < 0.34) return pick(ws);
  if (r < 0.42) return pick(specials);
  if (r < 0.5) return randomCodePoint();
  const k = pick(Object.keys(ranges));
  let s = "";
  const n = 1 + int(k === "digits" ? 8 : 6);
  for (let i = 0; i < n; i++) s += fromRange(ranges[k]);
  return s;
}
function synthetic() {
  let s = "";
  const n = 1 + int(pick([3, 8, 20, 60]));
  for (let i = 0; i < n; i++) s += atom();
  return s;
}
function emojiSeq() {
  const base = fromRange([[0x1f466, 0x1f469], [0x1f468, 0x1f469], [0x1f9d1, 0x1f9d1], [0x1f44b, 0x1f44f]]);
  const tone = rnd() < 0.5 ? cp(0x1f3fb + int(5)) : "";
  const zwj = rnd() < 0.6 ? "\u200D" + pick(["\u2764\uFE0F", "\u{1F4BB}", "\u{1F466}", "\u{1F467}", "\u2695\uFE0F", "\u{1F9AF}"]) : "";
  const flag = rnd() < 0.3 ? cp(0x1f1e6 + int(26)) + cp(0x1f1e6 + int(26)) : "";
  const keycap = rnd() < 0.2 ? pick(["1", "#", "*"]) + "\uFE0F\u20E3" : "";
  return base + tone + zwj + flag + keycap + (rnd() < 0.5 ? " " : "");
}
function codeSnippet() {
  const ind = pick(["", "  ", "    ", "\t", "\t\t", "        "]);
  const lines = [];
  for (let i = 0, n = 1 + int(8); i < n; i++) {
    const r = rnd();
    if (r < 0.2) lines.push(ind.repeat(1 + int(3)));                   // indented blank line
    else if (r < 0.3) lines.push("");
    else if (r < 0.5) lines.push(ind + "if x != nil {" + " ".repeat(int(4)));
    else if (r < 0.7) lines.push(ind + ind + "return fmt.Errorf(\"%w: %d\", err, 1234567)" + pick(["", "  ", "\t"]));
    else if (r < 0.8) lines.push(ind + "// " + realChunk().slice(0, 40).replace(/\n/g, " "));
    else lines.push(ind + "}" + pick(["", ";", " //", "/*", "*/", "//\n//"]));
  }
  return lines.join(pick(["\n", "\r\n", "\n\n", "\r", "\n\r\n"])) + pick(["", "\n", "\n\n", "  \n", " "]);
}
function crlfMix() {
  let s = "";
  for (let i = 0, n = 1 + int(10); i < n; i++) s += pick(["\r", "\n", "\r\n", " ", "\t", "x", "1", ".", "/", "a'", "\u0085", "\u2028", "\uFEFF", "+\n/"]);
  return s;
}
function digitsCase() {
  let s = "";
  for (let i = 0, n = 1 + int(5); i < n; i++) s += pick(["", " ", ",", ".", "-", "/", "x"]) + String(int(10 ** (1 + int(9))));
  return s + (rnd() < 0.3 ? fromRange(ranges.digits) : "");
}
function contractionCase() {
  const w = pick(words.concat(["it", "IT", "We", "You", "she", "THEY", "O", "ǅ", "Σ", "日本"]));
  return w + pick(contractions) + pick(["", " ", "s", "x", "'s", "\n", "1", "ſ"]) + (rnd() < 0.5 ? pick(words) : "");
}
function mutate(s) {
  // Insert a few special characters into real text.
  const a = Array.from(s);
  for (let i = 0, n = 1 + int(4); i < n; i++) a.splice(int(a.length + 1), 0, pick(specials.concat(ws, contractions)));
  return a.join("");
}

function longPiece() {
  // One long piece (> 96 bytes), so the heap-based merge is checked against the reference.
  const n = 40 + int(400);
  const kinds = [
    () => fromRange([[0x4e00, 0x9fff]]), () => fromRange([[0x3040, 0x30ff]]), () => fromRange(ranges.thai),
    () => fromRange([[0x621, 0x64a]]), () => fromRange(ranges.emoji), () => pick(["=", "-", "*", "#", "~", "=-", "/*"]),
    () => pick([" ", "\t", "\n", "\r\n", "  \n"]), () => fromRange([[0x61, 0x7a]]), () => pick(["ab", "ba", "aa", "th", "e"]),
    () => fromRange([[0x410, 0x44f]]), () => fromRange([[0xac00, 0xd7a3]]),
  ];
  const k = pick(kinds);
  let s = rnd() < 0.3 ? " " : "";
  for (let i = 0; i < n; i++) s += k();
  return s + pick(["", " x", "\n", "'s", "1"]);
}
const gens = [[0.04, longPiece], [0.06, () => realChunk(multiFiles, [40, 120, 300])], 
  [0.20, () => realChunk()], [0.06, () => mutate(realChunk())], [0.20, synthetic], [0.06, emojiSeq], [0.10, codeSnippet],
  [0.07, crlfMix], [0.06, digitsCase], [0.08, contractionCase], [0.07, () => { let s = ""; for (let i = 0, n = 1 + int(30); i < n; i++) s += randomCodePoint(); return s; }],
];
const strings = new Set();
// Code points whose class differs between Go's Unicode 15 tables and the
// reference's Unicode 16 ones (written by TestClassesVsGoUnicode -update): each in
// contexts where its class decides the split.
const diffFile = path.join("testdata", "tokens", "unicode16-diff.txt");
if (fs.existsSync(diffFile)) {
  const cps = fs.readFileSync(diffFile, "utf8").split("\n").filter(Boolean).map((h) => parseInt(h, 16));
  for (const c of cps) {
    const s = cp(c);
    const ctx = [s + "Ab's", "A" + s + "b", " " + s + s + "1" + s, "x" + s + "'S\n" + s + "\u0301"];
    strings.add(ctx[int(ctx.length)]);
  }
}
// 'ſ (U+017F) contractions in contexts where matching them as 's changes the count.
for (const w of ["I", "it", "He", "we", "don", "IT", "x", "A", "that", "Let", " you", "ſ"]) {
  for (const suf of ["'ſ", "'ſt", "'ſs", "'ſ ", "'ſ\n", "'ſſ", "'ſa", "'ſtop", "'ſhe", "'ſ'", "'ſ.", "'Ŀl"]) strings.add(w + suf);
}
// Every hand-picked special, white-space run and contraction alone and in a short context, first.
for (const a of specials.concat(ws, contractions)) { strings.add(a); strings.add("a" + a); strings.add(a + "a"); strings.add(" " + a + " x"); }
while (strings.size < N) {
  let r = rnd(), g = gens[gens.length - 1][1];
  for (const [p, f] of gens) { if (r < p) { g = f; break; } r -= p; }
  const s = g();
  if (s) strings.add(s);
}

for (const name of ["o200k_base", "cl100k_base"]) {
  const enc = get_encoding(name);
  const out = [];
  for (const s of strings) out.push(JSON.stringify({ s, n: enc.encode_ordinary(s).length }));
  enc.free();
  const file = path.join("testdata", "tokens", `golden-${name}.jsonl.gz`);
  fs.writeFileSync(file, zlib.gzipSync(out.join("\n") + "\n", { level: 9 }));
  console.error(`${file}: ${out.length} strings, ${fs.statSync(file).size} bytes`);
}
