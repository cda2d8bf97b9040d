// Full-screen pass: a quad of clip-space positions in [-1, 1]², uv in [0, 1]².
varying vec2 vUv;

void main() {
  vUv = uv;
  gl_Position = vec4(position.xy, 0.0, 1.0);
}
