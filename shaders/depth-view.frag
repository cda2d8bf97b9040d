// Depth map of the keyframe on screen, as a grey image for the snapshot's depth PNG: near = white,
// far = black. Samples the stereo screen's own uniforms (depthA, winA), so it shows exactly the
// window the eyes see. Entry contract as shaders/screen.vert: varying vUv, u right, v up.
uniform sampler2D depthA; // R channel, [0,1], near 0 → far 1, top row first
uniform vec3 winA;        // (cx, cy, w): screen uv s shows keyframe uv win.xy + win.z * s
varying vec2 vUv;

void main() {
  vec2 s = vec2(vUv.x, 1.0 - vUv.y);
  float d = texture2D(depthA, winA.xy + winA.z * s).r;
  gl_FragColor = vec4(vec3(1.0 - d), 1.0);
}
