// A person's own seed image: checked by its bytes (not its name or the browser's guess), centre-cropped
// and resized to the keyframe size. Everything happens on this device; nothing is uploaded.
// The pure parts (sniffing, size parsing, crop maths) are separate from the browser decode at the end.

export type SeedImageType = 'image/jpeg' | 'image/png' | 'image/webp';

export type SeedCheck =
  | { ok: true; type: SeedImageType; width: number; height: number }
  | { ok: false; message: string };

/** Larger files are refused before reading them (a photo is a few MB; 64 MB is something else). */
export const MAX_SEED_BYTES = 64 * 1024 * 1024;
/** Images wider or taller than this are refused: browsers cannot decode them reliably. */
export const MAX_SEED_SIDE = 32768;
/**
 * Images with more pixels than this are refused by their header, before any decoding: a PNG decodes at full
 * size before it can be scaled, and 64 MP is already 256 MB of RGBA (a headset browser tab has little more).
 * Cameras up to ~60 MP pass; a 16 000 × 16 000 image (256 MP, 1 GB decoded) does not.
 */
export const MAX_SEED_PIXELS = 64_000_000;

/** The image type from the first bytes (magic numbers), or null. */
export function sniffImageType(b: Uint8Array): SeedImageType | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'image/png';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'image/webp';
  return null;
}

/** Pixel size from the file header (PNG IHDR, JPEG SOFn, WebP VP8/VP8L/VP8X), or null if not found. */
export function imageSize(b: Uint8Array, type: SeedImageType): { width: number; height: number } | null {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (type === 'image/png') {
    if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return null;
    return { width: v.getUint32(16), height: v.getUint32(20) };
  }
  if (type === 'image/jpeg') {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const marker = b[i + 1];
      if (marker === 0xff) { i++; continue; } // fill byte
      const len = v.getUint16(i + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: v.getUint16(i + 7), height: v.getUint16(i + 5) };
      }
      i += 2 + len;
    }
    return null;
  }
  if (b.length < 30) return null;
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ') return { width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = v.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    const w = 1 + (b[24] | (b[25] << 8) | (b[26] << 16));
    const h = 1 + (b[27] | (b[28] << 8) | (b[29] << 16));
    return { width: w, height: h };
  }
  return null;
}

/** Does the file end where its format says it ends? Catches interrupted downloads and cut copies. */
export function looksComplete(b: Uint8Array, type: SeedImageType): boolean {
  if (type === 'image/jpeg') {
    // EOI (FFD9), allowing a little trailing padding some cameras append
    for (let i = b.length - 2; i >= Math.max(2, b.length - 64); i--) if (b[i] === 0xff && b[i + 1] === 0xd9) return true;
    return false;
  }
  if (type === 'image/png') return b.length >= 20 && ascii(b, b.length - 8, 4) === 'IEND';
  const riffSize = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(4, true);
  return b.length >= riffSize + 8;
}

/**
 * Checks a file a person dropped or picked. `bytes` is the whole file. Never throws: every problem is a
 * message meant for them.
 */
export function checkSeedFile(file: { name: string; type: string; size: number }, bytes: Uint8Array): SeedCheck {
  const name = file.name || 'This file';
  if (file.size === 0 || bytes.length === 0) return { ok: false, message: `${name} is empty.` };
  if (file.size > MAX_SEED_BYTES) return { ok: false, message: `${name} is ${(file.size / 1048576).toFixed(0)} MB; seed images up to ${MAX_SEED_BYTES / 1048576} MB are accepted.` };
  const type = sniffImageType(bytes);
  if (!type) {
    const head = ascii(bytes, 0, Math.min(bytes.length, 256)).trimStart().toLowerCase();
    if (file.type === 'image/svg+xml' || head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) {
      return { ok: false, message: `${name} is an SVG drawing; the dream needs a photo-like image (JPEG, PNG or WebP).` };
    }
    return { ok: false, message: `${name} is not a JPEG, PNG or WebP image.` };
  }
  if (!looksComplete(bytes, type)) return { ok: false, message: `${name} is cut off (an incomplete ${shortName(type)}); try saving or downloading it again.` };
  const size = imageSize(bytes, type);
  if (!size || size.width < 1 || size.height < 1) return { ok: false, message: `${name} looks like a ${shortName(type)} but its header is damaged.` };
  if (size.width > MAX_SEED_SIDE || size.height > MAX_SEED_SIDE) {
    return { ok: false, message: `${name} is ${size.width}×${size.height} pixels; images up to ${MAX_SEED_SIDE} pixels a side are accepted.` };
  }
  if (size.width * size.height > MAX_SEED_PIXELS) {
    const mp = (n: number) => `${Math.round(n / 1e6)} megapixels`;
    return { ok: false, message: `${name} is ${size.width}×${size.height} pixels (${mp(size.width * size.height)}), too large to decode safely here; scale it to at most ${mp(MAX_SEED_PIXELS)} and drop it again.` };
  }
  return { ok: true, type, ...size };
}

export interface Rect { x: number; y: number; width: number; height: number }

/**
 * The largest centred rectangle of a `srcW`×`srcH` image with the target's aspect ratio (pixels, integer,
 * inside the image): cropping it and scaling it to `dstW`×`dstH` fills the keyframe without distortion.
 */
export function centreCrop(srcW: number, srcH: number, dstW: number, dstH: number): Rect {
  if (!(srcW > 0 && srcH > 0 && dstW > 0 && dstH > 0)) throw new Error(`centreCrop: sizes must be positive, got ${srcW}×${srcH} → ${dstW}×${dstH}`);
  const target = dstW / dstH;
  let width = srcW, height = srcH;
  if (srcW / srcH > target) width = Math.max(1, Math.min(srcW, Math.round(srcH * target)));
  else height = Math.max(1, Math.min(srcH, Math.round(srcW / target)));
  return { x: Math.floor((srcW - width) / 2), y: Math.floor((srcH - height) / 2), width, height };
}

/** RGBA pixels, top row first (ImageData's layout); the dream worker and StereoScreen both take this. */
export interface SeedPixels { data: Uint8ClampedArray; width: number; height: number }

/** Above this many pixels a side the decoder scales the image down itself (see loadSeedFile). */
export const DECODE_MAX_SIDE = 8192;

/** Decoder output size for an image: itself, or scaled uniformly so its longer side is `maxSide`. */
export function decodeSize(width: number, height: number, maxSide = DECODE_MAX_SIDE): { width: number; height: number; scaled: boolean } {
  const k = maxSide / Math.max(width, height);
  if (k >= 1) return { width, height, scaled: false };
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)), scaled: true };
}

/**
 * Browser only: the file → centre-cropped, resized RGBA at `width`×`height`. Images above
 * DECODE_MAX_SIDE are scaled down by the decoder (createImageBitmap resize options) instead of being
 * decoded full-size. Throws an Error whose message is meant for the person.
 */
export async function loadSeedFile(file: File, width: number, height: number): Promise<SeedPixels> {
  const bytes = file.size > MAX_SEED_BYTES ? new Uint8Array(0) : new Uint8Array(await file.arrayBuffer());
  const check = checkSeedFile(file, bytes);
  if (!check.ok) throw new Error(check.message);
  const dec = decodeSize(check.width, check.height);
  let bitmap: ImageBitmap;
  try {
    const blob = new Blob([bytes], { type: check.type });
    // The normal path keeps EXIF orientation (a portrait photo stays upright) and crops the decoded,
    // oriented bitmap. Only giant images use resize options, with orientation off so that the header's
    // width and height are the ones being scaled.
    bitmap = dec.scaled
      ? await createImageBitmap(blob, { resizeWidth: dec.width, resizeHeight: dec.height, resizeQuality: 'high', imageOrientation: 'none' })
      : await createImageBitmap(blob);
  } catch {
    throw new Error(`${file.name || 'This image'} could not be decoded: the ${shortName(check.type)} data is damaged or uses a feature this browser lacks.`);
  }
  const crop = centreCrop(bitmap.width, bitmap.height, width, height);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) { bitmap.close(); throw new Error('This browser gives no 2D canvas to read the image with.'); }
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, crop.x, crop.y, crop.width, crop.height, 0, 0, width, height);
  bitmap.close();
  const img = ctx.getImageData(0, 0, width, height);
  return { data: img.data, width, height };
}

function shortName(t: SeedImageType): string {
  return t === 'image/jpeg' ? 'JPEG' : t === 'image/png' ? 'PNG' : 'WebP';
}

function ascii(b: Uint8Array, start: number, n: number): string {
  let s = '';
  for (let i = start; i < start + n && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}
