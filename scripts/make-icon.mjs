// Draws images/icon.png (128x128 RGBA): three stacked build layers with a green "cached" badge.
// Plain Node (zlib for the PNG), 4x4 supersampling for smooth edges. Run: node scripts/make-icon.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const S = 128, SS = 4;
const hex = h => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];

function inPolygon(x, y, pts) {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i], [xj, yj] = pts[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
function distToSegment(x, y, [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}
const roundRect = (x0, y0, x1, y1, r) => (x, y) => {
  const cx = Math.max(x0 + r, Math.min(x1 - r, x)), cy = Math.max(y0 + r, Math.min(y1 - r, y));
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && Math.hypot(x - cx, y - cy) <= r;
};
const polygon = pts => (x, y) => inPolygon(x, y, pts);
const circle = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) <= r;
const polyline = (pts, w) => (x, y) => pts.slice(1).some((p, i) => distToSegment(x, y, pts[i], p) <= w / 2);
const layer = top => [[64, top], [110, top + 19], [64, top + 38], [18, top + 19]];

// painter's order: later shapes cover earlier ones
const shapes = [
  [roundRect(2, 2, 126, 126, 24), '#0F2A3F'],
  [polygon(layer(76)), '#1D63A8'],
  [polyline([[18, 95], [64, 114], [110, 95]], 4), '#0F2A3F'],
  [polygon(layer(56)), '#2496ED'],
  [polyline([[18, 75], [64, 94], [110, 75]], 4), '#0F2A3F'],
  [polygon(layer(36)), '#5CC8FF'],
  [circle(98, 30, 23), '#0F2A3F'],
  [circle(98, 30, 19), '#3DDC84'],
  [polyline([[88, 30], [95, 37], [108, 23]], 5.5), '#0F2A3F'],
];

const raw = Buffer.alloc(S * (S * 4 + 1));
for (let y = 0; y < S; y++) {
  raw[y * (S * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < S; x++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SS; sy++) for (let sx = 0; sx < SS; sx++) {
      const px = x + (sx + 0.5) / SS, py = y + (sy + 0.5) / SS;
      let color = null;
      for (const [hit, c] of shapes) if (hit(px, py)) color = c;
      if (color) { const [cr, cg, cb] = hex(color); r += cr; g += cg; b += cb; a++; }
    }
    const o = y * (S * 4 + 1) + 1 + x * 4;
    // straight (non-premultiplied) alpha: average colour of the covered samples
    raw[o] = a ? Math.round(r / a) : 0; raw[o + 1] = a ? Math.round(g / a) : 0; raw[o + 2] = a ? Math.round(b / a) : 0;
    raw[o + 3] = Math.round((a / (SS * SS)) * 255);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc32 = buf => { let c = 0xffffffff; for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(S, 0); ihdr.writeUInt32BE(S, 4); ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync(new URL('../images/', import.meta.url), { recursive: true });
writeFileSync(new URL('../images/icon.png', import.meta.url), png);
console.log(`images/icon.png: ${S}x${S}, ${png.length} bytes`);
