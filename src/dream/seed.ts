// Procedural seed images (no bundled photos): smooth multi-scale colour noise, reproducible from a number.
import * as tf from '@tensorflow/tfjs';

/** [1,h,w,3] in [0,1]: octaves of bilinearly upsampled uniform noise, mid-grey centred, gently saturated. */
export function noiseSeed(h: number, w: number, seed = 0): tf.Tensor4D {
  return tf.tidy(() => {
    let acc = tf.zeros([1, h, w, 3]) as tf.Tensor4D;
    let amp = 0.5;
    for (let i = 0, cells = 3; i < 4; i++, cells *= 2, amp /= 2) {
      const g = tf.randomUniform([1, cells, cells, 3], -1, 1, 'float32', seed * 101 + i) as tf.Tensor4D;
      acc = tf.add(acc, tf.mul(tf.image.resizeBilinear(g, [h, w], true), amp));
    }
    return tf.clipByValue(tf.add(tf.mul(acc, 0.8), 0.5), 0, 1) as tf.Tensor4D;
  });
}
