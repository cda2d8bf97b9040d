// Depth-displaced dream screen ("mesh" stereo method): a finely tessellated copy of the curved screen,
// each vertex moved along the screen normal by the keyframe depth under it, seen by BOTH eyes. The
// headset's own two projections then make the stereo (and head-motion parallax), no per-eye warp.
//
// Same zoom window and cross-fade as shaders/stereo-warp.frag (which draws the colour, with scale 0).
// The comfort governor's disparity k (screen uv per depth unit) becomes an angle per depth unit,
// angleScale = k · screen FOV (radians): a point at depth d should be seen at angular disparity
// θ = angleScale · (z0 − d), crossed (in front) when nearer than z0. Seen from eyes b apart at
// distance D, moving it Δ towards them gives b/(D − Δ) − b/D = θ exactly when Δ = θ·D² / (b + θ·D),
// so every depth gets the warp's disparity and the budget holds; points at z0 stay on the screen.
// (src/stereo/meshDepth.ts is the same formula, unit-tested.) Displacing along the normal rather
// than the view ray only lowers the disparity off centre. Attributes: position, normal, uv.
uniform sampler2D depthA;
uniform vec3 winA;
uniform sampler2D depthB;
uniform vec3 winB;
uniform float fade;
uniform float z0;
uniform float angleScale;  // radians of disparity per unit of depth difference
uniform float ipd;         // eye separation b, metres (never below MIN_IPD: see meshDepth.ts)
varying vec2 vUv;

// Bilinear depth by hand: the depth textures are nearest-filtered for the warp's occlusion search,
// which on a mesh finer than the depth map would make staircases and jagged outlines.
float depthAt(sampler2D t, vec2 uv) {
  vec2 size = vec2(textureSize(t, 0));
  vec2 p = clamp(uv, 0.0, 1.0) * size - 0.5;
  vec2 i = floor(p);
  vec2 f = p - i;
  vec2 lo = (clamp(i, vec2(0.0), size - 1.0) + 0.5) / size;
  vec2 hi = (clamp(i + 1.0, vec2(0.0), size - 1.0) + 0.5) / size;
  float a = texture2D(t, lo).r, b = texture2D(t, vec2(hi.x, lo.y)).r;
  float c = texture2D(t, vec2(lo.x, hi.y)).r, d = texture2D(t, hi).r;
  return mix(mix(a, b, f.x), mix(c, d, f.x), f.y);
}

void main() {
  vUv = uv;
  vec2 s = vec2(uv.x, 1.0 - uv.y);
  float d = depthAt(depthA, winA.xy + winA.z * s);
  if (fade < 1.0) d = mix(depthAt(depthB, winB.xy + winB.z * s), d, fade);
  // Distance from the nominal eye point (the screen group's origin) to this vertex.
  float dist = length(position);
  // Uncrossed disparity cannot exceed the screen's own vergence b/D (that is infinity): stay short of it.
  float theta = max(angleScale * (z0 - d), -0.9 * ipd / dist);
  float delta = theta * dist * dist / (ipd + theta * dist);
  vec3 p = position + normal * delta;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(p, 1.0);
}
