// Per-eye view of a dream keyframe: continuous zoom window + stereo from depth + cross-fade.
//
// Screen uv s (u right, v down) shows keyframe uv  win.xy + win.z * s.  A point at depth d in [0,1]
// (near 0 → far 1) is seen by this eye at s.x + eye * 0.5 * scale * (z0 − d): points nearer than z0
// move right in the left eye and left in the right eye (crossed disparity, in front of the screen);
// points at z0 stay put (zero parallax on the screen). This is a backward warp: for output s we search
// the source positions that land on s, keep the nearest surface (occlusion), and when nothing
// lands (a disocclusion) fill from the farther neighbour (holes are background, not foreground).
//
// The search takes one sample per depth texel the disparity range spans (plus one), capped at
// SEARCH_STEPS: within the 1° comfort budget that is 2–5 samples, not 16. The depth texture is
// nearest-filtered, so samples closer than a texel apart only re-read the same value; this is what
// keeps the warp's cost (a software rasteriser's whole frame) independent of the display size.
//
// Defines: SEARCH_STEPS (most samples across the disparity range; default 16).
#ifndef SEARCH_STEPS
#define SEARCH_STEPS 16
#endif

uniform sampler2D colorA;  // current keyframe, RGB(A), top row first
uniform sampler2D depthA;  // its depth, R channel, nearest-filtered (no rubber sheets across edges)
uniform vec3 winA;         // (cx, cy, w)
uniform sampler2D colorB;  // keyframe fading out (seen through A's depth: see main)
uniform vec3 winB;
uniform float fade;        // 1 = only A
uniform float eye;         // +1 left eye, −1 right eye
uniform float scale;       // disparity (screen uv) per unit depth difference
uniform float z0;          // zero-parallax depth
varying vec2 vUv;

vec2 toKey(vec3 win, vec2 s) {
  return win.xy + win.z * s;
}

// The screen point (uv) whose colour this eye sees at s: s itself when there is no disparity.
vec2 source(sampler2D depth, vec3 win, vec2 s) {
  float halfScale = 0.5 * scale;
  if (halfScale <= 1e-6) return s;
  float range = halfScale;                       // |z0 − d| ≤ 1
  // depth texels under the search span (2·range in screen uv = 2·range·win.z in keyframe uv)
  float texels = 2.0 * range * win.z * float(textureSize(depth, 0).x);
  int steps = int(clamp(ceil(texels) + 1.0, 2.0, float(SEARCH_STEPS)));
  float stepSize = 2.0 * range / float(steps);
  float tol = 0.5 * stepSize + 1e-6;
  float hitDepth = 2.0;                          // nearest surface landing on s
  // Closest landings on either side of s, for holes: (landing, depth, source x)
  vec3 below = vec3(-1e9, 0.0, s.x);
  vec3 above = vec3(1e9, 0.0, s.x);
  for (int i = 0; i <= SEARCH_STEPS; i++) {
    if (i > steps) break;
    float qx = s.x - range + float(i) * stepSize;
    float d = texture2D(depth, toKey(win, vec2(qx, s.y))).r;
    float landed = qx + eye * halfScale * (z0 - d);
    if (abs(landed - s.x) <= tol) {
      hitDepth = min(hitDepth, d);               // occlusion: the nearest surface wins
    } else if (landed < s.x) {
      if (landed > below.x) below = vec3(landed, d, qx);
    } else if (landed < above.x) {
      above = vec3(landed, d, qx);
    }
  }
  if (hitDepth <= 1.0) {
    // Exact source of the winning surface: solve q + eye·h·(z0 − d) = s for the depth found.
    return vec2(s.x - eye * halfScale * (z0 - hitDepth), s.y);
  }
  // A disocclusion: nothing in the image lands here. Stretch the edge of the farther neighbour
  // (the background) across it rather than the nearer one (which would smear the foreground).
  vec3 bg = below.y >= above.y ? below : above;
  // Its shift stays within what a depth in [0, 1] would give (s − eye·h·(z0 − d)): the comfort budget
  // bounds exactly those, and a coarse search can pick an edge sample up to a step farther out.
  float q0 = s.x - eye * halfScale * z0, q1 = s.x - eye * halfScale * (z0 - 1.0);
  return vec2(clamp(bg.z, min(q0, q1), max(q0, q1)), s.y);
}

void main() {
  vec2 s = vec2(vUv.x, 1.0 - vUv.y);
  vec2 q = source(depthA, winA, s);
  vec4 a = texture2D(colorA, toKey(winA, q));
  // The fading keyframe shows the same scene at the same screen point (the playback aligns the two
  // windows), so it is seen through the new keyframe's disparity: one search, not two (a second one
  // cost a quarter of the frame rate on SwiftShader while it lasted), and no edge seen twice at two
  // disparities while the two blend.
  if (fade < 1.0) a = mix(texture2D(colorB, toKey(winB, q)), a, fade);
  gl_FragColor = vec4(a.rgb, 1.0);
}
