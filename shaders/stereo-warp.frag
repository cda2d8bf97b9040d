// Per-eye view of a dream keyframe: continuous zoom window + stereo from depth + cross-fade.
//
// Screen uv s (u right, v down) shows keyframe uv  win.xy + win.z * s.  A point at depth d in [0,1]
// (near 0 → far 1) is seen by this eye at s.x + eye * 0.5 * scale * (z0 − d): points nearer than z0
// move right in the left eye and left in the right eye (crossed disparity, in front of the screen);
// points at z0 stay put (zero parallax on the screen). This is a backward warp: for output s we search
// the source positions that land on s, keep the nearest surface (occlusion), and when nothing
// lands (a disocclusion) fill from the farther neighbour (holes are background, not foreground).
//
// Defines: SEARCH_STEPS (samples across the disparity range; default 16).
#ifndef SEARCH_STEPS
#define SEARCH_STEPS 16
#endif

uniform sampler2D colorA;  // current keyframe, RGB(A), top row first
uniform sampler2D depthA;  // its depth, R channel
uniform vec3 winA;         // (cx, cy, w)
uniform sampler2D colorB;  // keyframe fading out
uniform sampler2D depthB;
uniform vec3 winB;
uniform float fade;        // 1 = only A
uniform float eye;         // +1 left eye, −1 right eye
uniform float scale;       // disparity (screen uv) per unit depth difference
uniform float z0;          // zero-parallax depth
varying vec2 vUv;

vec2 toKey(vec3 win, vec2 s) {
  return win.xy + win.z * s;
}

vec4 warp(sampler2D color, sampler2D depth, vec3 win, vec2 s) {
  float halfScale = 0.5 * scale;
  if (halfScale <= 1e-6) return texture2D(color, toKey(win, s));
  float range = halfScale;                       // |z0 − d| ≤ 1
  float stepSize = 2.0 * range / float(SEARCH_STEPS);
  float tol = 0.5 * stepSize + 1e-6;
  float bestNear = 2.0;                          // depth of the nearest surface landing on s
  vec2 bestNearUv = vec2(-1.0);
  float bestErr = 1e9;
  float fillDepth = -1.0;                        // farthest surface among near-misses (hole fill)
  vec2 fillUv = toKey(win, s);
  for (int i = 0; i <= SEARCH_STEPS; i++) {
    vec2 q = vec2(s.x - range + float(i) * stepSize, s.y);
    vec2 kq = toKey(win, q);
    float d = texture2D(depth, kq).r;
    float landed = q.x + eye * halfScale * (z0 - d);
    float err = abs(landed - s.x);
    if (err <= tol && d < bestNear) {
      bestNear = d;
      bestNearUv = kq;
    }
    if (err <= 3.0 * tol && d > fillDepth) {
      fillDepth = d;
      fillUv = kq;
    }
  }
  // Refine the hit: solve q + eye·h·(z0 − d(q)) = s with d held at the chosen surface.
  if (bestNearUv.x >= 0.0) {
    vec2 q = vec2(s.x - eye * halfScale * (z0 - bestNear), s.y);
    return texture2D(color, toKey(win, q));
  }
  return texture2D(color, fillUv);
}

void main() {
  vec2 s = vec2(vUv.x, 1.0 - vUv.y);
  vec4 a = warp(colorA, depthA, winA, s);
  if (fade < 1.0) {
    vec4 b = warp(colorB, depthB, winB, s);
    a = mix(b, a, fade);
  }
  gl_FragColor = vec4(a.rgb, 1.0);
}
