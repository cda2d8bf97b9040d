// Red-cyan anaglyph of two rendered eye views: red from the left eye, green and blue from the
// right eye (glasses: red filter on the left eye). Full colour; retinal rivalry on saturated
// reds/cyans is the known cost of this variant.
uniform sampler2D leftEye;
uniform sampler2D rightEye;
varying vec2 vUv;

void main() {
  vec4 l = texture2D(leftEye, vUv);
  vec4 r = texture2D(rightEye, vUv);
  gl_FragColor = vec4(l.r, r.g, r.b, 1.0);
}
