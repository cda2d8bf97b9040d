// Shows one eye's texture on the dream screen. Eye textures are stored top row first (flipY off),
// so v is flipped here. Output is the texture's bytes as they are: the images are already sRGB
// encoded, and skipping three.js's colour-space conversion keeps read-back pixels exact.
uniform sampler2D map;
varying vec2 vUv;

void main() {
  gl_FragColor = texture2D(map, vec2(vUv.x, 1.0 - vUv.y));
}
