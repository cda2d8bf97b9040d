// Dream screen: passes the panel's uv through. Entry contract for all screen shaders:
// attribute position/uv (three.js), varying vec2 vUv (u left→right, v bottom→top).
varying vec2 vUv;

void main() {
  vUv = uv;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}
