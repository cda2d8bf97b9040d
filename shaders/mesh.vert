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

void main() {
  vUv = uv;
  vec2 s = vec2(uv.x, 1.0 - uv.y);
  float d = texture2D(depthA, winA.xy + winA.z * s).r;
  if (fade < 1.0) d = mix(texture2D(depthB, winB.xy + winB.z * s).r, d, fade);
  // Distance from the nominal eye point (the screen group's origin) to this vertex.
  float dist = length(position);
  // Uncrossed disparity cannot exceed the screen's own vergence b/D (that is infinity): stay short of it.
  float theta = max(angleScale * (z0 - d), -0.9 * ipd / dist);
  float delta = theta * dist * dist / (ipd + theta * dist);
  vec3 p = position + normal * delta;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(p, 1.0);
}
