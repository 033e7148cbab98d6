#!/usr/bin/env node
// Generates every icon the app and its installers use, from SVG drawn here, so the artwork has one
// source. Rasterizing needs rsvg-convert (Debian: `apt-get install -y librsvg2-bin`); the ICO and
// ICNS containers are assembled in plain Node. The outputs are committed, so building the app never
// runs this: run it again only when the artwork changes (`node build/make-icons.mjs`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const iconsDir = path.join(here, 'icons');

/** Sizes the brief and the three platforms ask for; the Linux set is named `NxN.png`. */
export const APP_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
/** ICO: Windows picks from these for the taskbar, Explorer views and the installer. */
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS PNG entries: ic07-ic10 at 1x plus the @2x types, all PNG-capable since macOS 10.7. */
export const ICNS_TYPES = [
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
];
/** Tray colours by relay state group; the names are the files electron/shell/tray.ts loads. */
export const TRAY_TONES = {
  running: '#2fb344',
  degraded: '#f59f00',
  'crash-loop': '#e03131',
  stopped: '#8a94a6',
};

// The bolt, drawn once in a 1024 box and reused at every size; its bounding box centres on (521, 515).
const BOLT = 'M560 150 L330 585 L492 585 L432 880 L712 420 L548 420 L664 150 Z';

/**
 * The app icon: a lightning bolt (speed) between two signal arcs (relay) on a dark rounded square.
 * Below 48 px the arcs turn to mush, so the small variant drops them, fills more of the square and
 * enlarges and thickens the bolt: a simplified glyph reads better than a shrunken detailed one.
 */
export function appIconSvg({ small = false } = {}) {
  const inset = small ? 24 : 64;
  const side = 1024 - 2 * inset;
  const radius = small ? 190 : 200;
  const boltScale = small ? 1.08 : 1;
  const bolt = `<g transform="translate(512 515) scale(${boltScale}) translate(-521 -515)">
    <path d="${BOLT}" fill="url(#bolt)" ${small ? 'stroke="url(#bolt)" stroke-width="44"' : 'stroke="#7a3300" stroke-opacity="0.55" stroke-width="14"'} stroke-linejoin="round"/>
  </g>`;
  const arc = (radius, from, to) => {
    const point = (degrees) => {
      const r = (degrees * Math.PI) / 180;
      return `${(512 + radius * Math.cos(r)).toFixed(1)} ${(515 + radius * Math.sin(r)).toFixed(1)}`;
    };
    return `M${point(from)} A${radius} ${radius} 0 0 1 ${point(to)}`;
  };
  const arcs = small
    ? ''
    : `<g fill="none" stroke="#38d9c4" stroke-linecap="round" stroke-width="40">
    <path d="${arc(300, 145, 215)}" stroke-opacity="0.95"/>
    <path d="${arc(300, -35, 35)}" stroke-opacity="0.95"/>
    <path d="${arc(385, 150, 210)}" stroke-opacity="0.5"/>
    <path d="${arc(385, -30, 30)}" stroke-opacity="0.5"/>
  </g>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="1024" viewBox="0 0 1024 1024">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0.35" y2="1">
      <stop offset="0" stop-color="#1d3557"/>
      <stop offset="1" stop-color="#0b1322"/>
    </linearGradient>
    <linearGradient id="sheen" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#ffffff" stop-opacity="0.14"/>
      <stop offset="0.5" stop-color="#ffffff" stop-opacity="0"/>
    </linearGradient>
    <linearGradient id="bolt" x1="0.2" y1="0" x2="0.8" y2="1">
      <stop offset="0" stop-color="#ffd43b"/>
      <stop offset="0.55" stop-color="#f7931a"/>
      <stop offset="1" stop-color="#e8590c"/>
    </linearGradient>
  </defs>
  <rect x="${inset}" y="${inset}" width="${side}" height="${side}" rx="${radius}" fill="url(#bg)"/>
  <rect x="${inset}" y="${inset}" width="${side}" height="${side}" rx="${radius}" fill="url(#sheen)"/>
  <rect x="${inset + 4}" y="${inset + 4}" width="${side - 8}" height="${side - 8}" rx="${radius - 4}" fill="none" stroke="#ffffff" stroke-opacity="0.08" stroke-width="8"/>
  ${arcs}
  ${bolt}
</svg>
`;
}

/**
 * A tray icon: a disc in the state's colour with a white bolt, legible on light and dark panels. The
 * bolt is stroked to thicken it: at 16 px its thin middle would otherwise vanish.
 */
export function trayIconSvg(colour) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="1024" viewBox="0 0 1024 1024">
  <circle cx="512" cy="512" r="480" fill="${colour}"/>
  <circle cx="512" cy="512" r="480" fill="none" stroke="#000000" stroke-opacity="0.25" stroke-width="40"/>
  <g transform="translate(512 515) scale(0.9) translate(-521 -515)">
    <path d="${BOLT}" fill="#ffffff" stroke="#ffffff" stroke-width="56" stroke-linejoin="round"/>
  </g>
</svg>
`;
}

function rasterize(svg, size, workDir) {
  const input = path.join(workDir, `in-${size}.svg`);
  writeFileSync(input, svg);
  try {
    return execFileSync('rsvg-convert', ['--width', String(size), '--height', String(size), input]);
  } catch (error) {
    if (error.code === 'ENOENT') {
      throw new Error(
        'rsvg-convert not found: apt-get install -y librsvg2-bin (Debian) or brew install librsvg',
        { cause: error },
      );
    }
    throw error;
  }
}

/** Decodes the 8-bit RGBA, non-interlaced PNGs rsvg-convert writes into raw RGBA rows. */
export function decodePng(png) {
  const signature = '89504e470d0a1a0a';
  if (png.subarray(0, 8).toString('hex') !== signature) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colourType, , , interlace] = data.subarray(8, 13);
      if (depth !== 8 || colourType !== 6 || interlace !== 0) throw new Error('expected 8-bit RGBA PNG');
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= 4 ? pixels[y * stride + x - 4] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= 4 && y > 0 ? pixels[(y - 1) * stride + x - 4] : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (predictor === undefined) throw new Error(`unknown PNG filter ${filter}`);
      pixels[y * stride + x] = (line[x] + predictor) & 0xff;
    }
  }
  return { width, height, pixels };
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * A 32-bit BMP icon image (BITMAPINFOHEADER, bottom-up BGRA, then the 1-bit AND mask). Sizes below
 * 256 go into the ICO this way rather than as PNG: every Windows tool reads these, while PNG entries
 * at small sizes trip some older resource editors and installer builders.
 */
function bmpIconImage({ width, height, pixels }) {
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(width, 4);
  header.writeInt32LE(height * 2, 8); // XOR image + AND mask
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  const xor = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 4;
      const to = ((height - 1 - y) * width + x) * 4;
      xor[to] = pixels[from + 2];
      xor[to + 1] = pixels[from + 1];
      xor[to + 2] = pixels[from];
      xor[to + 3] = pixels[from + 3];
    }
  }
  // The AND mask is ignored for 32-bit images with alpha, but must be present: all zeros (opaque).
  const maskStride = Math.ceil(width / 32) * 4;
  const mask = Buffer.alloc(maskStride * height);
  return Buffer.concat([header, xor, mask]);
}

/** ICONDIR + ICONDIRENTRY table + images: 256 px as PNG (the Vista format), smaller as BMP. */
export function buildIco(pngsBySize) {
  const sizes = [...pngsBySize.keys()].sort((a, b) => a - b);
  const images = sizes.map((size) => {
    const png = pngsBySize.get(size);
    return size >= 256 ? png : bmpIconImage(decodePng(png));
  });
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(sizes.length, 4);
  const entries = Buffer.alloc(16 * sizes.length);
  let offset = header.length + entries.length;
  sizes.forEach((size, index) => {
    const at = index * 16;
    entries.writeUInt8(size >= 256 ? 0 : size, at); // 0 means 256
    entries.writeUInt8(size >= 256 ? 0 : size, at + 1);
    entries.writeUInt8(0, at + 2); // no palette
    entries.writeUInt8(0, at + 3);
    entries.writeUInt16LE(1, at + 4); // colour planes
    entries.writeUInt16LE(32, at + 6); // bits per pixel
    entries.writeUInt32LE(images[index].length, at + 8);
    entries.writeUInt32LE(offset, at + 12);
    offset += images[index].length;
  });
  return Buffer.concat([header, entries, ...images]);
}

/** 'icns' + total length, then (type, length including the 8-byte header, PNG) per entry. */
export function buildIcns(pngsBySize) {
  const chunks = ICNS_TYPES.map(([type, size]) => {
    const png = pngsBySize.get(size);
    if (!png) throw new Error(`no ${size} px PNG for ${type}`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

function main() {
  const work = mkdtempSync(path.join(tmpdir(), 'sprint-icons-'));
  try {
    mkdirSync(path.join(iconsDir, 'png'), { recursive: true });
    mkdirSync(path.join(iconsDir, 'tray'), { recursive: true });
    writeFileSync(path.join(iconsDir, 'icon.svg'), appIconSvg());

    const pngs = new Map();
    for (const size of APP_SIZES) {
      const png = rasterize(appIconSvg({ small: size < 48 }), size, work);
      pngs.set(size, png);
      writeFileSync(path.join(iconsDir, 'png', `${size}x${size}.png`), png);
    }
    writeFileSync(path.join(iconsDir, 'icon.png'), pngs.get(512));
    writeFileSync(path.join(iconsDir, 'icon.ico'), buildIco(new Map(ICO_SIZES.map((s) => [s, pngs.get(s)]))));
    writeFileSync(path.join(iconsDir, 'icon.icns'), buildIcns(pngs));

    // `name.png` at 16 px and `name@2x.png` at 32 px: Electron's nativeImage picks the @2x file on
    // HiDPI displays by itself when given the 1x path.
    for (const [tone, colour] of Object.entries(TRAY_TONES)) {
      const svg = trayIconSvg(colour);
      writeFileSync(path.join(iconsDir, 'tray', `${tone}.png`), rasterize(svg, 16, work));
      writeFileSync(path.join(iconsDir, 'tray', `${tone}@2x.png`), rasterize(svg, 32, work));
    }
    process.stdout.write(`icons written to ${path.relative(process.cwd(), iconsDir) || iconsDir}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
